import type { ServiceImpl } from "@connectrpc/connect";
import type { Kysely } from "kysely";
import type { ManagementService } from "../../gen/zitadel/management_pb.js";
import type { CommandDeps } from "../../store/commands/command-deps.js";
import type { Database } from "../../store/schema.js";

export interface ServiceDeps {
  commands: CommandDeps;
  db: Kysely<Database>;
  /** Org primary domains are `<org name>.<instanceDomain>`. */
  instanceDomain: string;
}

/** One area's share of ManagementService; the parts are merged into one implementation. */
export type ManagementPart = Partial<ServiceImpl<typeof ManagementService>>;
