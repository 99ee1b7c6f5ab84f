import { createClient } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import type { Session } from "./session.js";

export type ManagementClient = Client<typeof ManagementService>;

/**
 * A typed ManagementService client over gRPC-Web, the protocol browsers can
 * speak to any gRPC server behind a gRPC-Web proxy, not only to keygate.
 * Credentials are read on every call, so signing in or switching the
 * organization needs no new client.
 */
export function createManagementClient(credentials: () => Session | undefined): ManagementClient {
  // The console lives at <keygate>/console/, so the API is one level up; this
  // keeps working when a proxy mounts keygate under a path of its own.
  const baseUrl = new URL("../", document.baseURI).href;
  const transport = createGrpcWebTransport({
    baseUrl,
    interceptors: [
      (next) => (request) => {
        const session = credentials();
        if (session !== undefined) {
          request.header.set("authorization", `Bearer ${session.token}`);
          if (session.orgId !== "") {
            request.header.set("x-zitadel-orgid", session.orgId);
          }
        }
        return next(request);
      },
    ],
  });
  return createClient(ManagementService, transport);
}
