import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { create, createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createClient } from "@connectrpc/connect";
import { Http2SessionManager, createGrpcTransport } from "@connectrpc/connect-node";
import { ServerReflection, type ServerReflectionRequest } from "../../src/gen/grpc/reflection/v1/reflection_pb.js";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { bufExecutable } from "../support/buf.js";
import { managementClient } from "../support/management-client.js";
import { embedded } from "./ops-support.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));

/** `buf curl` over gRPC (h2c) without a schema: everything it knows comes from reflection. */
function bufCurl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const all = ["curl", "--protocol", "grpc", "--http2-prior-knowledge", ...args];
    execFile(bufExecutable, all, { cwd: repo, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`buf ${all.join(" ")} failed: ${stderr}`)) : resolve(stdout),
    );
  });
}

/** Every file after the files it imports; throws if one is missing. */
function importsFirst(files: FileDescriptorProto[]): FileDescriptorProto[] {
  const byName = new Map(files.map((f) => [f.name, f]));
  const ordered: FileDescriptorProto[] = [];
  const add = (file: FileDescriptorProto | undefined, name: string) => {
    if (!file) throw new Error(`${name} is missing from the answer`);
    if (ordered.includes(file)) return;
    file.dependency.forEach((d) => add(byName.get(d), d));
    ordered.push(file);
  };
  files.forEach((f) => add(f, f.name));
  return ordered;
}

const services = [
  "grpc.health.v1.Health",
  "grpc.reflection.v1.ServerReflection",
  "grpc.reflection.v1alpha.ServerReflection",
  "keygate.v1.AppAccessService",
  "keygate.v1.AppSecretService",
  "keygate.v1.AppService",
  "keygate.v1.ProjectService",
  "zitadel.app.v2beta.AppService",
  "zitadel.application.v2.ApplicationService",
  "zitadel.management.v1.ManagementService",
  "zitadel.project.v2.ProjectService",
  "zitadel.project.v2beta.ProjectService",
];

describe("gRPC server reflection", () => {
  let keygate: TestKeygate;

  beforeAll(async () => {
    keygate = await startTestKeygate(embedded);
  });
  afterAll(() => keygate.dispose());

  test.each(["grpc-v1", "grpc-v1alpha"])("buf curl --reflect-protocol %s lists keygate's services and their methods", async (reflectProtocol) => {
    const listed = await bufCurl(["--reflect-protocol", reflectProtocol, "--list-services", keygate.url]);
    expect(listed.trim().split("\n").sort()).toEqual(services);
    const methods = (await bufCurl(["--reflect-protocol", reflectProtocol, "--list-methods", keygate.url])).trim().split("\n");
    expect(methods).toEqual(
      expect.arrayContaining([
        "zitadel.management.v1.ManagementService/AddAPIApp",
        "zitadel.application.v2.ApplicationService/CreateApplication",
        "zitadel.app.v2beta.AppService/CreateApplication",
        "zitadel.project.v2.ProjectService/CreateProject",
        "zitadel.project.v2beta.ProjectService/AddProjectRole",
        "grpc.health.v1.Health/Watch",
      ]),
    );
  });

  test("buf curl --reflect calls Health/Check and ManagementService/AddAPIApp without a schema", async () => {
    const health = JSON.parse(await bufCurl([`${keygate.url}/grpc.health.v1.Health/Check`]));
    expect(health).toEqual({ status: "SERVING" });

    const project = await managementClient(keygate.url, keygate.adminToken).addProject({ name: "reflected" });
    const request = { projectId: project.id, name: "via-buf", authMethodType: "API_AUTH_METHOD_TYPE_BASIC" };
    const added = JSON.parse(
      await bufCurl(["--reflect", "-H", `authorization: Bearer ${keygate.adminToken}`, "-d", JSON.stringify(request), `${keygate.url}/zitadel.management.v1.ManagementService/AddAPIApp`]),
    );
    expect(added).toMatchObject({ appId: expect.stringMatching(/^\d+$/), clientId: expect.any(String), clientSecret: expect.any(String) });
    const app = await managementClient(keygate.url, keygate.adminToken).getAppByID({ projectId: project.id, appId: added.appId });
    expect(app.app?.config.case === "apiConfig" && app.app.config.value.authMethodType).toBe(APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC);
  });

  describe("answers", () => {
    let sessions: Http2SessionManager;
    beforeAll(() => {
      sessions = new Http2SessionManager(keygate.url);
    });
    afterAll(() => sessions.abort());

    async function ask(messageRequest: ServerReflectionRequest["messageRequest"]) {
      const client = createClient(ServerReflection, createGrpcTransport({ baseUrl: keygate.url, sessionManager: sessions }));
      async function* one() {
        yield { host: "", messageRequest };
      }
      for await (const res of client.serverReflectionInfo(one())) return res.messageResponse;
      throw new Error("no answer");
    }

    test("a method's file comes with its imports, and the files resolve into a complete registry", async () => {
      const answer = await ask({ case: "fileContainingSymbol", value: "zitadel.management.v1.ManagementService.AddAPIApp" });
      expect(answer.case).toBe("fileDescriptorResponse");
      const files = answer.case === "fileDescriptorResponse" ? answer.value.fileDescriptorProto.map((b) => fromBinary(FileDescriptorProtoSchema, b)) : [];
      expect(files[0]?.name).toBe("zitadel/management.proto");
      const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: importsFirst(files) }));
      expect(registry.getService("zitadel.management.v1.ManagementService")?.methods.some((m) => m.name === "AddAPIApp")).toBe(true);
    });

    test("google.api.http's extension number is listed for MethodOptions and resolves to its file", async () => {
      const numbers = await ask({ case: "allExtensionNumbersOfType", value: "google.protobuf.MethodOptions" });
      expect(numbers.case === "allExtensionNumbersResponse" && numbers.value.extensionNumber).toContain(72295728);
      const file = await ask({ case: "fileContainingExtension", value: { $typeName: "grpc.reflection.v1.ExtensionRequest", containingType: "google.protobuf.MethodOptions", extensionNumber: 72295728 } });
      const names = file.case === "fileDescriptorResponse" ? file.value.fileDescriptorProto.map((b) => fromBinary(FileDescriptorProtoSchema, b).name) : [];
      expect(names[0]).toBe("google/api/annotations.proto");
    });

    test("unknown symbols and files are NOT_FOUND error responses, not failed streams", async () => {
      for (const request of [
        { case: "fileContainingSymbol", value: "no.such.Thing" },
        { case: "fileByFilename", value: "no/such.proto" },
      ] as const) {
        const answer = await ask(request);
        expect(answer.case === "errorResponse" && answer.value.errorCode).toBe(5);
      }
    });
  });
});
