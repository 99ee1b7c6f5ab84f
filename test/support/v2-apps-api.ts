/**
 * One view of ZITADEL's two app services for the v2 tests: each adapter calls v2's
 * ApplicationService (keygate's generated client) or v2beta's AppService (a client built from
 * @zitadel/proto's own descriptors, as ZITADEL's users generate it) and hands back the same shapes,
 * without filling in anything the wire did not carry.
 */
import { timestampDate, timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { createClient, type Transport } from "@connectrpc/connect";
import { AppService as ZitadelAppService } from "@zitadel/proto/zitadel/app/v2beta/app_service_pb.js";
import { ApplicationService } from "../../src/gen/zitadel/application/v2/application_service_pb.js";

export interface CreatedApp {
  appId: string;
  clientId: string;
  clientSecret: string;
  creationDate: Date;
}

export interface ReadApp {
  id: string;
  name: string;
  /** 1 active, 2 inactive (both services share the numbers). */
  state: number;
  clientId: string;
  /** 0 BASIC, 1 PRIVATE_KEY_JWT. */
  authMethod: number;
  creationDate: Date;
  changeDate: Date;
}

export interface ReadKey {
  id: string;
  creationDate: Date;
  expirationDate: Date;
}

export interface ListedKey extends ReadKey {
  appId: string;
  projectId: string;
  orgId: string;
}

export interface AppsApi {
  name: string;
  create(projectId: string, app: { id?: string; name: string; jwt?: boolean }): Promise<CreatedApp>;
  get(appId: string): Promise<ReadApp>;
  update(projectId: string, appId: string, change: { name?: string; jwt?: boolean }): Promise<Date>;
  deactivate(projectId: string, appId: string): Promise<Date>;
  reactivate(projectId: string, appId: string): Promise<Date>;
  remove(projectId: string, appId: string): Promise<Date>;
  regenerateSecret(projectId: string, appId: string): Promise<{ clientSecret: string; creationDate: Date }>;
  /** Apps of one project (v2beta's ListApplications always names one). */
  listInProject(projectId: string): Promise<{ ids: string[]; total: bigint; appliedLimit: bigint }>;
  addKey(projectId: string, appId: string, expiration?: Date): Promise<{ id: string; creationDate: Date; keyDetails: Uint8Array }>;
  getKey(keyId: string): Promise<ReadKey>;
  listKeysOfApp(appId: string): Promise<ListedKey[]>;
  removeKey(projectId: string, appId: string, keyId: string): Promise<Date>;
}

const date = (t: Timestamp | undefined): Date => timestampDate(t!);

export function v2Apps(transport: Transport): AppsApi {
  const client = createClient(ApplicationService, transport);
  const authMethodType = (jwt: boolean | undefined) => (jwt ? 1 : 0);
  return {
    name: "v2 ApplicationService",
    async create(projectId, app) {
      const res = await client.createApplication({
        projectId,
        name: app.name,
        ...(app.id === undefined ? {} : { applicationId: app.id }),
        applicationType: { case: "apiConfiguration", value: { authMethodType: authMethodType(app.jwt) } },
      });
      const api = res.applicationType.case === "apiConfiguration" ? res.applicationType.value : undefined;
      return { appId: res.applicationId, clientId: api?.clientId ?? "", clientSecret: api?.clientSecret ?? "", creationDate: date(res.creationDate) };
    },
    async get(appId) {
      const app = (await client.getApplication({ applicationId: appId })).application!;
      const api = app.configuration.case === "apiConfiguration" ? app.configuration.value : undefined;
      return {
        id: app.applicationId,
        name: app.name,
        state: app.state,
        clientId: api?.clientId ?? "",
        authMethod: api?.authMethodType ?? -1,
        creationDate: date(app.creationDate),
        changeDate: date(app.changeDate),
      };
    },
    async update(projectId, appId, change) {
      const res = await client.updateApplication({
        projectId,
        applicationId: appId,
        name: change.name ?? "",
        ...(change.jwt === undefined ? {} : { applicationType: { case: "apiConfiguration", value: { authMethodType: authMethodType(change.jwt) } } }),
      });
      return date(res.changeDate);
    },
    deactivate: async (projectId, appId) => date((await client.deactivateApplication({ projectId, applicationId: appId })).deactivationDate),
    reactivate: async (projectId, appId) => date((await client.reactivateApplication({ projectId, applicationId: appId })).reactivationDate),
    remove: async (projectId, appId) => date((await client.deleteApplication({ projectId, applicationId: appId })).deletionDate),
    async regenerateSecret(projectId, appId) {
      const res = await client.generateClientSecret({ projectId, applicationId: appId });
      return { clientSecret: res.clientSecret, creationDate: date(res.creationDate) };
    },
    async listInProject(projectId) {
      const res = await client.listApplications({
        pagination: { asc: true },
        filters: [{ filter: { case: "projectIdFilter", value: { projectId } } }],
      });
      return { ids: res.applications.map((a) => a.applicationId), total: res.pagination!.totalResult, appliedLimit: res.pagination!.appliedLimit };
    },
    async addKey(projectId, appId, expiration) {
      const res = await client.createApplicationKey({ projectId, applicationId: appId, ...(expiration ? { expirationDate: timestampFromDate(expiration) } : {}) });
      return { id: res.keyId, creationDate: date(res.creationDate), keyDetails: res.keyDetails };
    },
    async getKey(keyId) {
      const res = await client.getApplicationKey({ keyId });
      return { id: res.keyId, creationDate: date(res.creationDate), expirationDate: date(res.expirationDate) };
    },
    async listKeysOfApp(appId) {
      const res = await client.listApplicationKeys({ filters: [{ filter: { case: "applicationIdFilter", value: { applicationId: appId } } }] });
      return res.keys.map((k) => ({
        id: k.keyId,
        appId: k.applicationId,
        projectId: k.projectId,
        orgId: k.organizationId,
        creationDate: date(k.creationDate),
        expirationDate: date(k.expirationDate),
      }));
    },
    removeKey: async (projectId, appId, keyId) => date((await client.deleteApplicationKey({ projectId, applicationId: appId, keyId })).deletionDate),
  };
}

export function v2betaApps(transport: Transport): AppsApi {
  const client = createClient(ZitadelAppService, transport);
  const authMethodType = (jwt: boolean | undefined) => (jwt ? 1 : 0);
  return {
    name: "v2beta AppService (@zitadel/proto)",
    async create(projectId, app) {
      const res = await client.createApplication({
        projectId,
        name: app.name,
        ...(app.id === undefined ? {} : { id: app.id }),
        creationRequestType: { case: "apiRequest", value: { authMethodType: authMethodType(app.jwt) } },
      });
      const api = res.creationResponseType.case === "apiResponse" ? res.creationResponseType.value : undefined;
      return { appId: res.appId, clientId: api?.clientId ?? "", clientSecret: api?.clientSecret ?? "", creationDate: date(res.creationDate) };
    },
    async get(appId) {
      const app = (await client.getApplication({ id: appId })).app!;
      const api = app.config.case === "apiConfig" ? app.config.value : undefined;
      return {
        id: app.id,
        name: app.name,
        state: app.state,
        clientId: api?.clientId ?? "",
        authMethod: api?.authMethodType ?? -1,
        creationDate: date(app.creationDate),
        changeDate: date(app.changeDate),
      };
    },
    async update(projectId, appId, change) {
      const res = await client.updateApplication({
        projectId,
        id: appId,
        name: change.name ?? "",
        ...(change.jwt === undefined ? {} : { updateRequestType: { case: "apiConfigurationRequest", value: { authMethodType: authMethodType(change.jwt) } } }),
      });
      return date(res.changeDate);
    },
    deactivate: async (projectId, appId) => date((await client.deactivateApplication({ projectId, id: appId })).deactivationDate),
    reactivate: async (projectId, appId) => date((await client.reactivateApplication({ projectId, id: appId })).reactivationDate),
    remove: async (projectId, appId) => date((await client.deleteApplication({ projectId, id: appId })).deletionDate),
    async regenerateSecret(projectId, appId) {
      const res = await client.regenerateClientSecret({ projectId, applicationId: appId, appType: { case: "isApi", value: true } });
      return { clientSecret: res.clientSecret, creationDate: date(res.creationDate) };
    },
    async listInProject(projectId) {
      const res = await client.listApplications({ projectId, pagination: { asc: true } });
      return { ids: res.applications.map((a) => a.id), total: res.pagination!.totalResult, appliedLimit: res.pagination!.appliedLimit };
    },
    async addKey(projectId, appId, expiration) {
      const res = await client.createApplicationKey({ projectId, appId, ...(expiration ? { expirationDate: timestampFromDate(expiration) } : {}) });
      return { id: res.id, creationDate: date(res.creationDate), keyDetails: res.keyDetails };
    },
    async getKey(keyId) {
      const res = await client.getApplicationKey({ id: keyId });
      return { id: res.id, creationDate: date(res.creationDate), expirationDate: date(res.expirationDate) };
    },
    async listKeysOfApp(appId) {
      const res = await client.listApplicationKeys({ resourceId: { case: "applicationId", value: appId } });
      return res.keys.map((k) => ({
        id: k.id,
        appId: k.applicationId,
        projectId: k.projectId,
        orgId: k.organizationId,
        creationDate: date(k.creationDate),
        expirationDate: date(k.expirationDate),
      }));
    },
    removeKey: async (projectId, appId, keyId) => date((await client.deleteApplicationKey({ projectId, applicationId: appId, id: keyId })).deletionDate),
  };
}

/** v2beta AppService over REST, at its google.api.http paths (/v2beta/applications/…), with fetch. */
export function v2betaRestApps(baseUrl: string, token: string): AppsApi {
  async function call(method: string, path: string, body?: object): Promise<Record<string, any>> {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Record<string, any>;
    if (res.status !== 200) throw Object.assign(new Error(`${res.status} ${json.message}`), { status: res.status, body: json });
    return json;
  }
  const authMethodType = (jwt: boolean | undefined) => (jwt ? "API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT" : "API_AUTH_METHOD_TYPE_BASIC");
  const authNumber = (name: string | undefined) => (name === "API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT" ? 1 : 0);
  const stateNumber = (name: string | undefined) => (name === "APP_STATE_ACTIVE" ? 1 : name === "APP_STATE_INACTIVE" ? 2 : 0);
  const at = (value: string) => new Date(value);
  const path = encodeURIComponent;
  return {
    name: "v2beta AppService (REST)",
    async create(projectId, app) {
      const res = await call("POST", "/v2beta/applications", { projectId, name: app.name, ...(app.id === undefined ? {} : { id: app.id }), apiRequest: { authMethodType: authMethodType(app.jwt) } });
      return { appId: res.appId, clientId: res.apiResponse?.clientId ?? "", clientSecret: res.apiResponse?.clientSecret ?? "", creationDate: at(res.creationDate) };
    },
    async get(appId) {
      const app = (await call("GET", `/v2beta/applications/${path(appId)}`)).app;
      return {
        id: app.id,
        name: app.name,
        state: stateNumber(app.state),
        clientId: app.apiConfig?.clientId ?? "",
        authMethod: app.apiConfig ? authNumber(app.apiConfig.authMethodType) : -1,
        creationDate: at(app.creationDate),
        changeDate: at(app.changeDate),
      };
    },
    async update(projectId, appId, change) {
      const body = { projectId, ...(change.name === undefined ? {} : { name: change.name }), ...(change.jwt === undefined ? {} : { apiConfigurationRequest: { authMethodType: authMethodType(change.jwt) } }) };
      return at((await call("PATCH", `/v2beta/applications/${path(appId)}`, body)).changeDate);
    },
    deactivate: async (projectId, appId) => at((await call("POST", `/v2beta/applications/${path(appId)}/deactivate`, { projectId })).deactivationDate),
    reactivate: async (projectId, appId) => at((await call("POST", `/v2beta/applications/${path(appId)}/reactivate`, { projectId })).reactivationDate),
    remove: async (projectId, appId) => at((await call("DELETE", `/v2beta/applications/${path(appId)}?projectId=${path(projectId)}`)).deletionDate),
    async regenerateSecret(projectId, appId) {
      const res = await call("POST", `/v2beta/applications/${path(appId)}/generate_client_secret`, { projectId, isApi: true });
      return { clientSecret: res.clientSecret, creationDate: at(res.creationDate) };
    },
    async listInProject(projectId) {
      const res = await call("POST", "/v2beta/applications/search", { projectId, pagination: { asc: true } });
      return { ids: (res.applications ?? []).map((a: { id: string }) => a.id), total: BigInt(res.pagination?.totalResult ?? 0), appliedLimit: BigInt(res.pagination?.appliedLimit ?? 0) };
    },
    async addKey(projectId, appId, expiration) {
      const res = await call("POST", "/v2beta/application_keys", { projectId, appId, ...(expiration ? { expirationDate: expiration.toISOString() } : {}) });
      return { id: res.id, creationDate: at(res.creationDate), keyDetails: Buffer.from(res.keyDetails, "base64") };
    },
    async getKey(keyId) {
      const res = await call("GET", `/v2beta/application_keys/${path(keyId)}`);
      return { id: res.id, creationDate: at(res.creationDate), expirationDate: at(res.expirationDate) };
    },
    async listKeysOfApp(appId) {
      const res = await call("POST", "/v2beta/application_keys/search", { applicationId: appId });
      return (res.keys ?? []).map((k: Record<string, string>) => ({
        id: k.id!,
        appId: k.applicationId!,
        projectId: k.projectId!,
        orgId: k.organizationId!,
        creationDate: at(k.creationDate!),
        expirationDate: at(k.expirationDate!),
      }));
    },
    removeKey: async (projectId, appId, keyId) =>
      at((await call("DELETE", `/v2beta/application_keys/${path(keyId)}?projectId=${path(projectId)}&applicationId=${path(appId)}`)).deletionDate),
  };
}
