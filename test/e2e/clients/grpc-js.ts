/**
 * A raw @grpc/grpc-js generic client (makeGenericClientConstructor), serializing with @bufbuild/protobuf
 * and keygate's own generated schemas. Org context and token travel as plain metadata.
 */
import { create, fromBinary, toBinary, type DescMessage, type DescMethodUnary, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import grpc from "@grpc/grpc-js";
import { ManagementService } from "../../../src/gen/zitadel/management_pb.js";
import type { CallError, CallOptions, ClientUnderTest, Session } from "./types.js";
import { authMethodNumber, decodeRpcStatus, readDetails, secretOrAbsent, readAppMessage } from "./wire.js";

const used = { addProject: ManagementService.method.addProject, addAPIApp: ManagementService.method.addAPIApp, getAppByID: ManagementService.method.getAppByID };

function definition(method: DescMethodUnary): grpc.MethodDefinition<object, object> {
  return {
    path: `/${ManagementService.typeName}/${method.name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (m) => Buffer.from(toBinary(method.input, m as MessageShape<DescMessage>)),
    requestDeserialize: (b) => fromBinary(method.input, b),
    responseSerialize: (m) => Buffer.from(toBinary(method.output, m as MessageShape<DescMessage>)),
    responseDeserialize: (b) => fromBinary(method.output, b),
  };
}

const GenericManagementClient = grpc.makeGenericClientConstructor(
  Object.fromEntries(Object.entries(used).map(([name, method]) => [name, definition(method)])),
  "ManagementService",
);

type UnaryCall = (request: object, metadata: grpc.Metadata, callback: (error: grpc.ServiceError | null, response?: object) => void) => void;

function connect(port: number, token: string | undefined): Session {
  const client = new GenericManagementClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

  function unary<M extends keyof typeof used>(
    name: M,
    request: MessageInitShape<(typeof used)[M]["input"]>,
    options: CallOptions | undefined,
  ): Promise<MessageShape<(typeof used)[M]["output"]>> {
    const metadata = new grpc.Metadata();
    if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
    if (options?.orgId !== undefined) metadata.set("x-zitadel-orgid", options.orgId);
    const message = create(used[name].input as DescMessage, request as MessageInitShape<DescMessage>);
    return new Promise((resolve, reject) => {
      (client[name] as UnaryCall).call(client, message, metadata, (error, response) => {
        if (error) reject(error);
        else resolve(response as MessageShape<(typeof used)[M]["output"]>);
      });
    });
  }

  return {
    async addProject(name, options) {
      const res = await unary("addProject", { name }, options);
      return { id: res.id, details: readDetails(res.details) };
    },
    async addAPIApp(projectId, name, authMethod, options) {
      const res = await unary("addAPIApp", { projectId, name, authMethodType: authMethodNumber[authMethod] }, options);
      return { appId: res.appId, clientId: res.clientId, clientSecret: secretOrAbsent(res.clientSecret), details: readDetails(res.details) };
    },
    async getAppByID(projectId, appId, options) {
      const { app } = await unary("getAppByID", { projectId, appId }, options);
      return readAppMessage(app);
    },
    close: () => client.close(),
  };
}

function isServiceError(error: unknown): error is grpc.ServiceError {
  return error instanceof Error && "code" in error && "details" in error && "metadata" in error && error.metadata instanceof grpc.Metadata;
}

export const grpcJs: ClientUnderTest = {
  name: "@grpc/grpc-js generic client (gRPC h2c)",
  sequenceWire: "bigint",
  connect: ({ port }, token) => connect(port, token),
  toCallError(error): CallError {
    if (!isServiceError(error)) throw error;
    const [bin] = error.metadata.get("grpc-status-details-bin");
    const status = bin instanceof Uint8Array ? decodeRpcStatus(bin) : undefined;
    if (status !== undefined && (status.code !== error.code || status.message !== error.details)) {
      throw new Error(`grpc-status-details-bin ${JSON.stringify(status)} disagrees with the status ${error.code} ${error.details}`);
    }
    return { code: error.code, message: error.details, details: status?.details ?? [] };
  },
};
