/** Conversions shared by the client adapters. Each one fails loudly on a shape it does not expect. */
import { fromBinary } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { ErrorDetailSchema } from "../../../src/gen/zitadel/message_pb.js";
import type { AddedApp, AddedProject, AppStateName, AuthMethod, Details, ErrorDetail, ReadApp, SequenceWire } from "./types.js";

export const ERROR_DETAIL_TYPE = "zitadel.v1.ErrorDetail";

/** The enum numbers shared by every client's generated code (zitadel.app.v1). */
export const authMethodNumber: Record<AuthMethod, number> = { BASIC: 0, PRIVATE_KEY_JWT: 1 };
export function authMethodFromNumber(n: number): AuthMethod {
  const found = (Object.keys(authMethodNumber) as AuthMethod[]).find((k) => authMethodNumber[k] === n);
  if (found === undefined) throw new Error(`unknown APIAuthMethodType ${n}`);
  return found;
}
export function appStateFromNumber(n: number): AppStateName {
  const names: AppStateName[] = ["UNSPECIFIED", "ACTIVE", "INACTIVE"];
  if (names[n] === undefined) throw new Error(`unknown AppState ${n}`);
  return names[n]!;
}

/** A uint64 as some client delivered it, with the kind it arrived as. */
export function readSequence(value: unknown): { sequence: bigint; sequenceWire: SequenceWire } {
  if (typeof value === "bigint") return { sequence: value, sequenceWire: "bigint" };
  if (typeof value === "string") {
    if (!/^\d+$/.test(value)) throw new Error(`sequence ${JSON.stringify(value)} is not a uint64 string`);
    return { sequence: BigInt(value), sequenceWire: "string" };
  }
  // ts-proto (as in @zitadel/node) uses long.js: { low, high, unsigned } with toString().
  if (typeof value === "object" && value !== null && "low" in value && "high" in value && "unsigned" in value) {
    return { sequence: BigInt(String(value)), sequenceWire: "Long" };
  }
  throw new Error(`unexpected sequence ${String(value)} (${typeof value})`);
}

/** A google.protobuf.Timestamp as protobuf-es (message), ts-proto (Date) or JSON (RFC 3339 string) deliver it. */
export function readTimestamp(value: unknown): Date | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) return value;
  if (typeof value === "string") {
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value)) throw new Error(`timestamp ${value} is not RFC 3339 UTC`);
    return new Date(value);
  }
  if (typeof value === "object" && value !== null && "seconds" in value && "nanos" in value) {
    const { seconds, nanos } = value as { seconds: bigint; nanos: number };
    return new Date(Number(seconds) * 1000 + Math.floor(nanos / 1e6));
  }
  throw new Error(`unexpected timestamp ${String(value)}`);
}

/** ObjectDetails from any client: { sequence, creationDate?, changeDate?, resourceOwner }. */
export function readDetails(details: { sequence: unknown; creationDate?: unknown; changeDate?: unknown; resourceOwner?: string } | undefined): Details | undefined {
  if (details === undefined) return undefined;
  const out: Details = { ...readSequence(details.sequence), resourceOwner: details.resourceOwner ?? "" };
  const creationDate = readTimestamp(details.creationDate);
  const changeDate = readTimestamp(details.changeDate);
  if (creationDate !== undefined) out.creationDate = creationDate;
  if (changeDate !== undefined) out.changeDate = changeDate;
  return out;
}

/** Drops an empty secret so that "no secret" reads the same for binary ("" ) and JSON (absent) clients. */
export function secretOrAbsent(secret: string | undefined): string | undefined {
  return secret === undefined || secret === "" ? undefined : secret;
}

/** An ErrorDetail as the bytes of a zitadel.v1.ErrorDetail, or a marker for a detail of another type. */
export function errorDetailFrom(typeName: string, value: Uint8Array): ErrorDetail {
  if (typeName !== ERROR_DETAIL_TYPE) return { id: `<unexpected ${typeName}>`, message: "" };
  const detail = fromBinary(ErrorDetailSchema, value);
  return { id: detail.id, message: detail.message };
}

/**
 * Decodes grpc-status-details-bin, a google.rpc.Status { int32 code = 1; string message = 2; repeated Any details = 3 }
 * with Any { string type_url = 1; bytes value = 2 }. Small enough to read by hand instead of generating google/rpc.
 */
export function decodeRpcStatus(bytes: Uint8Array): { code: number; message: string; details: ErrorDetail[] } {
  const reader = new BinaryReader(bytes);
  const status = { code: 0, message: "", details: [] as ErrorDetail[] };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.Varint) status.code = reader.int32();
    else if (field === 2 && wireType === WireType.LengthDelimited) status.message = reader.string();
    else if (field === 3 && wireType === WireType.LengthDelimited) {
      const any = new BinaryReader(reader.bytes());
      let typeUrl = "";
      let value: Uint8Array = new Uint8Array();
      while (any.pos < any.len) {
        const [f, w] = any.tag();
        if (f === 1) typeUrl = any.string();
        else if (f === 2) value = any.bytes();
        else any.skip(w);
      }
      status.details.push(errorDetailFrom(typeUrl.replace(/^type\.googleapis\.com\//, ""), value));
    } else reader.skip(wireType);
  }
  return status;
}

// ---- JSON wire (REST transcoding and buf curl print protojson with default options) ----

type Json = Record<string, unknown>;

function jsonObject(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${what} is not a JSON object: ${JSON.stringify(value)}`);
  return value as Json;
}
function jsonString(obj: Json, key: string): string | undefined {
  const v = obj[key];
  if (v !== undefined && typeof v !== "string") throw new Error(`${key} is not a string: ${JSON.stringify(v)}`);
  return v;
}

function jsonDetails(value: unknown): Details | undefined {
  if (value === undefined) return undefined;
  const d = jsonObject(value, "details");
  return readDetails({ sequence: d.sequence, creationDate: d.creationDate, changeDate: d.changeDate, resourceOwner: jsonString(d, "resourceOwner") });
}

/** protojson omits enum zero values, so an absent authMethodType is BASIC. */
const jsonAuthMethods: Record<string, AuthMethod> = {
  API_AUTH_METHOD_TYPE_BASIC: "BASIC",
  API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT: "PRIVATE_KEY_JWT",
};
const jsonAppStates: Record<string, AppStateName> = { APP_STATE_UNSPECIFIED: "UNSPECIFIED", APP_STATE_ACTIVE: "ACTIVE", APP_STATE_INACTIVE: "INACTIVE" };

function jsonEnum<T>(names: Record<string, T>, value: unknown, zero: T, what: string): T {
  if (value === undefined) return zero;
  if (typeof value !== "string" || !(value in names)) throw new Error(`${what} ${JSON.stringify(value)} is not an enum name`);
  return names[value]!;
}

export function jsonAddedProject(body: unknown): AddedProject {
  const o = jsonObject(body, "AddProjectResponse");
  return { id: jsonString(o, "id") ?? "", details: jsonDetails(o.details) };
}

export function jsonAddedApp(body: unknown): AddedApp {
  const o = jsonObject(body, "AddAPIAppResponse");
  return {
    appId: jsonString(o, "appId") ?? "",
    clientId: jsonString(o, "clientId") ?? "",
    clientSecret: jsonString(o, "clientSecret"),
    details: jsonDetails(o.details),
  };
}

export function jsonReadApp(body: unknown): ReadApp {
  const app = jsonObject(jsonObject(body, "GetAppByIDResponse").app, "app");
  const configs = ["oidcConfig", "apiConfig", "samlConfig"].filter((k) => app[k] !== undefined);
  if (configs.length > 1) throw new Error(`several oneof members set: ${configs.join(", ")}`);
  const api = app.apiConfig === undefined ? undefined : jsonObject(app.apiConfig, "apiConfig");
  return {
    id: jsonString(app, "id") ?? "",
    name: jsonString(app, "name") ?? "",
    state: jsonEnum(jsonAppStates, app.state, "UNSPECIFIED", "state"),
    details: jsonDetails(app.details),
    configCase: configs[0],
    clientId: api && jsonString(api, "clientId"),
    authMethod: api && jsonEnum(jsonAuthMethods, api.authMethodType, "BASIC", "authMethodType"),
  };
}

/**
 * A protobuf-es App (ours or @zitadel/proto's: both have ZITADEL's shape) as the tests compare it.
 * `config` is the App's oneof; only its apiConfig case is read.
 */
export function readAppMessage(app: {
  id: string;
  name: string;
  state: number;
  details?: Parameters<typeof readDetails>[0];
  config: { case: string | undefined; value?: unknown };
} | undefined): ReadApp {
  if (app === undefined) throw new Error("GetAppByIDResponse without app");
  const api = app.config.case === "apiConfig" ? (app.config.value as { clientId: string; authMethodType: number }) : undefined;
  return {
    id: app.id,
    name: app.name,
    state: appStateFromNumber(app.state),
    details: readDetails(app.details),
    configCase: app.config.case,
    clientId: api?.clientId,
    authMethod: api && authMethodFromNumber(api.authMethodType),
  };
}

