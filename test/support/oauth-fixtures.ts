/** Requests to keygate's OAuth endpoints and the apps that call them, for test/e2e/oauth/*. */
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { AccessTokenType } from "../../src/gen/zitadel/user_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import { uniqueName } from "./auth-fixtures.js";
import type { ManagementClient } from "./management-client.js";

export interface OAuthAnswer {
  status: number;
  headers: Headers;
  /** The JSON body, or undefined for an empty one. */
  body: Record<string, unknown> | undefined;
}

/** POSTs a form to `path` of `issuer`, with `authorization` when given. */
export async function postForm(issuer: string, path: string, params: Record<string, string>, authorization?: string): Promise<OAuthAnswer> {
  const res = await fetch(`${issuer}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(authorization === undefined ? {} : { authorization }) },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

/** RFC 6749 §2.3.1: id and secret form-encoded, joined by a colon, base64. */
export const basicAuth = (clientId: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`;

export interface BasicApp {
  projectId: string;
  appId: string;
  clientId: string;
  clientSecret: string;
}

export interface KeyApp {
  projectId: string;
  appId: string;
  clientId: string;
  keyId: string;
  /** The key file as AddAppKey returned it (JSON). */
  keyFile: { type: string; keyId: string; key: string; appId: string; clientId: string };
}

/** An API app with a secret in `projectId`. */
export async function addBasicApp(admin: ManagementClient, projectId: string): Promise<BasicApp> {
  const app = await admin.addAPIApp({ projectId, name: uniqueName("introspector"), authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC });
  return { projectId, appId: app.appId, clientId: app.clientId, clientSecret: app.clientSecret };
}

/** An API app with one key (private_key_jwt) in `projectId`. */
export async function addKeyApp(admin: ManagementClient, projectId: string, expirationDate?: Date): Promise<KeyApp> {
  const app = await admin.addAPIApp({ projectId, name: uniqueName("introspector"), authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
  const key = await admin.addAppKey({
    projectId,
    appId: app.appId,
    type: KeyType.JSON,
    ...(expirationDate === undefined ? {} : { expirationDate: timestampFromDate(expirationDate) }),
  });
  return { projectId, appId: app.appId, clientId: app.clientId, keyId: key.id, keyFile: JSON.parse(new TextDecoder().decode(key.keyDetails)) };
}

/** The scope that lets a token meant for `projectId`'s API apps be introspected by them. */
export const projectAudience = (projectId: string) => `urn:zitadel:iam:org:project:id:${projectId}:aud`;
export const API_ACCESS = "urn:zitadel:iam:org:project:id:zitadel:aud";
export const RESOURCE_OWNER = "urn:zitadel:iam:user:resourceowner";

export interface MachineWithSecret {
  userId: string;
  userName: string;
  clientId: string;
  clientSecret: string;
}

export interface MachineKeyFile {
  type: string;
  keyId: string;
  key: string;
  userId: string;
}

export interface MachineWithKey {
  userId: string;
  userName: string;
  keyId: string;
  keyFile: MachineKeyFile;
}

/** A service user with a client secret, ORG_OWNER of `admin`'s org unless `roles` says otherwise. */
export async function addMachineWithSecret(admin: ManagementClient, options: { jwt?: boolean; roles?: string[] } = {}): Promise<MachineWithSecret> {
  const userName = uniqueName("svc");
  const { userId } = await admin.addMachineUser({ userName, name: userName, accessTokenType: options.jwt ? AccessTokenType.JWT : AccessTokenType.BEARER });
  const secret = await admin.generateMachineSecret({ userId });
  const roles = options.roles ?? ["ORG_OWNER"];
  if (roles.length > 0) await admin.addOrgMember({ userId, roles });
  return { userId, userName, clientId: secret.clientId, clientSecret: secret.clientSecret };
}

/** A service user with one key (JWT profile), ORG_OWNER of `admin`'s org. */
export async function addMachineWithKey(admin: ManagementClient, options: { jwt?: boolean; expirationDate?: Date } = {}): Promise<MachineWithKey> {
  const userName = uniqueName("svc-key");
  const { userId } = await admin.addMachineUser({ userName, name: userName, accessTokenType: options.jwt ? AccessTokenType.JWT : AccessTokenType.BEARER });
  const key = await admin.addMachineKey({
    userId,
    type: KeyType.JSON,
    ...(options.expirationDate === undefined ? {} : { expirationDate: timestampFromDate(options.expirationDate) }),
  });
  await admin.addOrgMember({ userId, roles: ["ORG_OWNER"] });
  return { userId, userName, keyId: key.keyId, keyFile: JSON.parse(new TextDecoder().decode(key.keyDetails)) as MachineKeyFile };
}
