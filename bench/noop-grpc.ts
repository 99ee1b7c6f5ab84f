/** Baseline (child process): a no-op @grpc/grpc-js server answering ManagementService/Healthz with a constant response. */
import grpc from "@grpc/grpc-js";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { HealthzRequestSchema, HealthzResponseSchema } from "../src/gen/zitadel/management_pb.js";
import { serveRequests } from "./lib/procs.js";
import { profileCommands } from "./lib/profile-control.js";

const server = new grpc.Server();
const response = create(HealthzResponseSchema);
server.addService(
  {
    Healthz: {
      path: "/zitadel.management.v1.ManagementService/Healthz",
      requestStream: false,
      responseStream: false,
      requestDeserialize: (b: Buffer) => fromBinary(HealthzRequestSchema, b),
      requestSerialize: (m: any) => Buffer.from(toBinary(HealthzRequestSchema, m)),
      responseSerialize: (m: any) => Buffer.from(toBinary(HealthzResponseSchema, m)),
      responseDeserialize: (b: Buffer) => fromBinary(HealthzResponseSchema, b),
    },
  },
  { Healthz: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(null, response) },
);
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.send!({ type: "fatal", error: error.message });
    process.exit(1);
  }
  const profile = profileCommands();
  serveRequests(async (m) => (await profile(m)) ?? {});
  process.send!({ type: "ready", url: `http://127.0.0.1:${port}` });
});
