import { afterAll, beforeAll, expect, test } from "vitest";
import type { DescMethod, Message } from "@bufbuild/protobuf";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import { createLogger } from "../../src/logger.js";
import { attackedMethods, attackRequests, type Victim } from "../support/auth-attacks.js";
import { addServiceUser, uniqueName } from "../support/auth-fixtures.js";
import { managementClient } from "../support/management-client.js";
import { captureLog, embedded, type LogCapture } from "./ops-support.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";

type UnaryCall = (request: Message) => Promise<Record<string, unknown>>;

/** Removals and deactivations last, so that the calls before them still find their objects. */
const destructiveLast = (a: DescMethod, b: DescMethod) => Number(/^(Remove|Deactivate)/.test(a.name)) - Number(/^(Remove|Deactivate)/.test(b.name));

/** What an answer carries that must never be logged: secrets, tokens and key files. */
function credentialsIn(response: Record<string, unknown>): string[] {
  const found = [response.clientSecret, response.token].filter((v): v is string => typeof v === "string" && v !== "");
  if (response.keyDetails instanceof Uint8Array && response.keyDetails.length > 0) {
    const keyFile = JSON.parse(new TextDecoder().decode(response.keyDetails)) as { key: string };
    found.push(Buffer.from(response.keyDetails).toString("base64"), ...keyFile.key.split("\n").filter((line) => line.length > 40));
  }
  return found;
}

/**
 * Issue 4 item 7: every RPC is driven, at the most verbose log level, with real objects (so that
 * secrets, tokens and keys are really handed out), and the log holds none of what was handled.
 */
let keygate: TestKeygate;
let log: LogCapture;
const handled: string[] = [];

beforeAll(async () => {
  log = captureLog();
  keygate = await startTestKeygate(embedded, { logLevel: "trace" }, createLogger("trace", log.stream));
  handled.push(keygate.adminToken);
  const admin = managementClient(keygate.url, keygate.adminToken);
  const org = (await admin.getMyOrg({})).org!;
  const projectName = uniqueName("logged");
  const project = await admin.addProject({ name: projectName });
  const basicAppName = uniqueName("basic");
  const basic = await admin.addAPIApp({ projectId: project.id, name: basicAppName });
  const jwtAppName = uniqueName("jwt");
  const jwt = await admin.addAPIApp({ projectId: project.id, name: jwtAppName, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
  const key = await admin.addAppKey({ projectId: project.id, appId: jwt.appId, type: KeyType.JSON });
  const user = await addServiceUser(admin, "logged-user");
  const roleKey = uniqueName("logged-role");
  await admin.addProjectRole({ projectId: project.id, roleKey, displayName: roleKey });
  const machineKey = await admin.addMachineKey({ userId: user.userId, type: KeyType.JSON });
  const secret = await admin.generateMachineSecret({ userId: user.userId });
  handled.push(
    ...[basic, key, machineKey, secret].flatMap((response) => credentialsIn(response as unknown as Record<string, unknown>)),
    user.token,
  );

  const objects: Victim = {
    orgId: org.id,
    orgName: org.name,
    projectId: project.id,
    projectName,
    roleKey,
    basicAppId: basic.appId,
    basicAppName,
    basicClientId: basic.clientId,
    jwtAppId: jwt.appId,
    jwtAppName,
    jwtClientId: jwt.clientId,
    keyId: key.id,
    machineKeyId: machineKey.keyId,
    clientSecret: secret.clientSecret,
    ...user,
  };
  const calls = admin as unknown as Record<string, UnaryCall>;
  for (const method of [...attackedMethods].sort(destructiveLast)) {
    for (const request of attackRequests(method, objects)) {
      const response = await calls[method.localName]!(request).catch(() => ({}));
      handled.push(...credentialsIn(response));
    }
  }
  await fetch(`${keygate.url}/management/v1/projects/${project.id}/apps/api`, { method: "POST", headers: { authorization: `Bearer ${user.token}` }, body: "{}" });
}, 180_000);
afterAll(() => keygate?.dispose());

test("every ManagementService RPC that needs a token was driven and logged", () => {
  const logged = new Set(log.lines().map((line) => line.method));
  const missing = attackedMethods.filter((m) => !logged.has(`${m.parent.typeName}/${m.name}`)).map((m) => m.name);
  expect(missing).toEqual([]);
});

test("the log holds none of the tokens, client secrets or private keys handled, nor any secret hash", () => {
  // Fresh secrets from RegenerateAPIClientSecret, GenerateMachineSecret and AddPersonalAccessToken and new key files are among them.
  expect(handled.length).toBeGreaterThan(15);
  const text = log.text();
  for (const secret of handled) expect(text.includes(secret)).toBe(false);
  expect(text).not.toContain("PRIVATE KEY");
  expect(text).not.toContain("$sha256$");
  expect(text).not.toMatch(/bearer /i);
});
