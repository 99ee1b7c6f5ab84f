/**
 * @zitadel/node 3.0.28: ts-proto messages over nice-grpc + @grpc/grpc-js (gRPC, h2c).
 * The package has no exports map, so its entry point is imported by file. nice-grpc comes with it.
 */
import { createAccessTokenInterceptor, createManagementClient } from "@zitadel/node/dist/api/index.js";
import type { APIAuthMethodType } from "@zitadel/node/dist/api/generated/zitadel/app.js";
import { ClientError, Metadata } from "nice-grpc";
import { CallFailure, type CallOptions, type ClientUnderTest, type Session } from "./types.js";
import { appStateFromNumber, authMethodFromNumber, authMethodNumber, decodeRpcStatus, readDetails, secretOrAbsent } from "./wire.js";

/** Runs one call, turning a nice-grpc ClientError plus the trailers it came with into a CallFailure. */
async function call<T>(options: CallOptions | undefined, run: (callOptions: { metadata?: Metadata; onTrailer: (trailer: Metadata) => void }) => Promise<T>): Promise<T> {
  let trailer: Metadata | undefined;
  const metadata = options?.orgId === undefined ? undefined : Metadata({ "x-zitadel-orgid": options.orgId });
  try {
    return await run({ metadata, onTrailer: (t) => (trailer = t) });
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    const bin = trailer?.get("grpc-status-details-bin");
    const status = bin instanceof Uint8Array ? decodeRpcStatus(bin) : undefined;
    if (status !== undefined && (status.code !== error.code || status.message !== error.details)) {
      throw new Error(`grpc-status-details-bin ${JSON.stringify(status)} disagrees with the status ${error.code} ${error.details}`);
    }
    throw new CallFailure({ code: error.code, message: error.details, details: status?.details ?? [] });
  }
}

function connect(endpoint: string, token: string | undefined): Session {
  const client = token === undefined ? createManagementClient(endpoint) : createManagementClient(endpoint, createAccessTokenInterceptor(token));
  return {
    async addProject(name, options) {
      const res = await call(options, (o) => client.addProject({ name }, o));
      return { id: res.id, details: readDetails(res.details) };
    },
    async addAPIApp(projectId, name, authMethod, options) {
      const authMethodType = authMethodNumber[authMethod] as APIAuthMethodType;
      const res = await call(options, (o) => client.addAPIApp({ projectId, name, authMethodType }, o));
      return { appId: res.appId, clientId: res.clientId, clientSecret: secretOrAbsent(res.clientSecret), details: readDetails(res.details) };
    },
    async getAppByID(projectId, appId, options) {
      const { app } = await call(options, (o) => client.getAppByID({ projectId, appId }, o));
      if (app === undefined) throw new Error("GetAppByIDResponse without app");
      const configs = (["oidcConfig", "apiConfig", "samlConfig"] as const).filter((k) => app[k] !== undefined);
      return {
        id: app.id,
        name: app.name,
        state: appStateFromNumber(app.state),
        details: readDetails(app.details),
        configCase: configs.join(","),
        clientId: app.apiConfig?.clientId,
        authMethod: app.apiConfig && authMethodFromNumber(app.apiConfig.authMethodType),
      };
    },
    // createManagementClient does not expose its channel; grpc-js lets go of it once the server is gone.
    close: () => {},
  };
}

export const zitadelNode: ClientUnderTest = {
  name: "@zitadel/node createManagementClient (grpc-js via nice-grpc)",
  sequenceWire: "Long",
  connect: ({ port }, token) => connect(`127.0.0.1:${port}`, token),
  toCallError(error) {
    if (!(error instanceof CallFailure)) throw error;
    return error.callError;
  },
};
