import type { ServiceImpl } from "@connectrpc/connect";
import type { ManagementService } from "../../gen/zitadel/management_pb.js";
import type { Commands } from "../../store/commands/commands.js";
import type { Queries } from "../../store/queries/queries.js";

/** What the services reach the store through (bound to the caller once per call), never the database. */
export interface ServiceDeps {
  queries: Queries;
  commands: Commands;
  /** Org primary domains are `<org name>.<instanceDomain>`. */
  instanceDomain: string;
  /** The clock app secrets expire by, the OAuth endpoints' own (a test clock in tests). */
  now: () => Date;
}

/** One area's share of ManagementService; the parts are merged into one implementation. */
export type ManagementPart = Partial<ServiceImpl<typeof ManagementService>>;
