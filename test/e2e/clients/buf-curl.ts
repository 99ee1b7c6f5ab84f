/** `buf curl` (from the @bufbuild/buf npm package) with keygate's proto sources (an image of them, see support/buf.ts) as the schema. */
import { Code } from "@connectrpc/connect";
import { ManagementService } from "../../../src/gen/zitadel/management_pb.js";
import { bufSchema, runBuf, type BufRun } from "../../support/buf.js";
import { CallFailure, type CallError, type CallOptions, type ClientUnderTest, type Session } from "./types.js";
import { errorDetailFrom, jsonAddedApp, jsonAddedProject, jsonReadApp } from "./wire.js";

type Protocol = "grpc" | "grpcweb" | "connect";

/** "permission_denied" -> Code.PermissionDenied */
function codeFromName(name: string): number {
  const key = name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase()) as keyof typeof Code;
  const code = Code[key];
  if (typeof code !== "number") throw new Error(`unknown code name ${name}`);
  return code;
}

/** buf curl prints a failed RPC as Connect's error JSON on stderr and exits with the code shifted left by 3. */
function bufCallError({ exitCode, stderr }: BufRun): CallError {
  let body: { code: string; message: string; details?: Array<{ type: string; value: string }> };
  try {
    body = JSON.parse(stderr);
  } catch {
    throw new Error(`buf curl exited with ${exitCode}: ${stderr}`);
  }
  const code = codeFromName(body.code);
  if (exitCode !== code << 3) throw new Error(`buf curl exited with ${exitCode} for ${body.code}: ${stderr}`);
  const details = (body.details ?? []).map((d) => errorDetailFrom(d.type, Buffer.from(d.value, "base64")));
  return { code, message: body.message, details };
}

function connect(protocol: Protocol, http2: boolean, url: string, token: string | undefined): Session {
  async function call(method: string, request: object, options?: CallOptions): Promise<unknown> {
    const args = ["curl", "--schema", bufSchema(), "--protocol", protocol];
    if (http2) args.push("--http2-prior-knowledge");
    if (token !== undefined) args.push("-H", `authorization: Bearer ${token}`);
    if (options?.orgId !== undefined) args.push("-H", `x-zitadel-orgid: ${options.orgId}`);
    args.push("-d", JSON.stringify(request), `${url}/${ManagementService.typeName}/${method}`);
    const result = await runBuf(args);
    if (result.exitCode !== 0) throw new CallFailure(bufCallError(result));
    return JSON.parse(result.stdout);
  }
  return {
    async addProject(name, options) {
      return jsonAddedProject(await call("AddProject", { name }, options));
    },
    async addAPIApp(projectId, name, authMethod, options) {
      return jsonAddedApp(await call("AddAPIApp", { projectId, name, authMethodType: `API_AUTH_METHOD_TYPE_${authMethod}` }, options));
    },
    async getAppByID(projectId, appId, options) {
      return jsonReadApp(await call("GetAppByID", { projectId, appId }, options));
    },
    close: () => {},
  };
}

function bufCurl(protocol: Protocol, http2: boolean): ClientUnderTest {
  return {
    name: `buf curl --protocol ${protocol}${http2 ? " --http2-prior-knowledge" : " (HTTP/1.1)"}`,
    sequenceWire: "string",
    connect: ({ url }, token) => connect(protocol, http2, url, token),
    toCallError(error) {
      if (!(error instanceof CallFailure)) throw error;
      return error.callError;
    },
  };
}

export const bufCurlVariants: ClientUnderTest[] = [bufCurl("grpc", true), bufCurl("grpcweb", false), bufCurl("connect", true)];
