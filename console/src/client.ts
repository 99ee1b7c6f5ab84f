import { createClient } from "@connectrpc/connect";
import type { CallOptions, Client, Transport } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { AppAccessService } from "../../src/gen/keygate/v1/app_roles_pb.js";
import { AppSecretService } from "../../src/gen/keygate/v1/app_secrets_pb.js";
import { AppService } from "../../src/gen/keygate/v1/apps_pb.js";
import { ProjectService as KeygateProjectService } from "../../src/gen/keygate/v1/projects_pb.js";
import { ApplicationService } from "../../src/gen/zitadel/application/v2/application_service_pb.js";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { ProjectService } from "../../src/gen/zitadel/project/v2/project_service_pb.js";
import type { Session } from "./session.js";

export type ManagementClient = Client<typeof ManagementService>;
export type ApplicationClient = Client<typeof ApplicationService>;
export type ProjectClient = Client<typeof ProjectService>;
export type KeygateAppClient = Client<typeof AppService>;
export type KeygateProjectClient = Client<typeof KeygateProjectService>;
export type AppSecretClient = Client<typeof AppSecretService>;
export type AppAccessClient = Client<typeof AppAccessService>;

/** The services the console calls, over one transport. */
export interface ConsoleClients {
  management: ManagementClient;
  /** Projects, their roles and apps go through ZITADEL's v2 services, which need no org header. */
  projects: ProjectClient;
  applications: ApplicationClient;
  /** keygate's own extension: apps with version, description, labels and contacts. */
  keygateApps: KeygateAppClient;
  /** keygate's own extension: projects with description, labels and contacts. */
  keygateProjects: KeygateProjectClient;
  appSecrets: AppSecretClient;
  /** The roles an app holds, and its client credentials setting. */
  appAccess: AppAccessClient;
}

/**
 * Typed clients over gRPC-Web, the protocol browsers can speak to any gRPC
 * server behind a gRPC-Web proxy, not only to keygate. Credentials are read on
 * every call, so signing in or switching the organization needs no new client.
 */
export function createConsoleClients(credentials: () => Session | undefined): ConsoleClients {
  const transport = consoleTransport(credentials);
  return {
    management: createClient(ManagementService, transport),
    projects: createClient(ProjectService, transport),
    applications: createClient(ApplicationService, transport),
    keygateApps: createClient(AppService, transport),
    keygateProjects: createClient(KeygateProjectService, transport),
    appSecrets: createClient(AppSecretService, transport),
    appAccess: createClient(AppAccessService, transport),
  };
}

const actsInHeaderOrg = (service: string) => service === ManagementService.typeName || service.startsWith("keygate.");

/** Call options for a call in another org than the session's. */
export const inOrg = (orgId: string): CallOptions => ({ headers: { "x-zitadel-orgid": orgId } });

function consoleTransport(credentials: () => Session | undefined): Transport {
  // The console lives at <keygate>/console/, so the API is one level up; this
  // keeps working when a proxy mounts keygate under a path of its own.
  const baseUrl = new URL("../", document.baseURI).href;
  return createGrpcWebTransport({
    baseUrl,
    interceptors: [
      (next) => (request) => {
        const session = credentials();
        if (session !== undefined) {
          request.header.set("authorization", `Bearer ${session.token}`);
          // ManagementService and keygate's services act in this org, unless the call names
          // one (inOrg); ZITADEL's v2 services take the org of the object named.
          const named = request.header.has("x-zitadel-orgid");
          if (!named && session.orgId !== "" && actsInHeaderOrg(request.service.typeName)) {
            request.header.set("x-zitadel-orgid", session.orgId);
          }
        }
        return next(request);
      },
    ],
  });
}
