/**
 * The protocol-neutral view of a Management API client used by test/e2e/clients.test.ts.
 *
 * Each adapter (one per real client library / protocol) converts what its client hands back into
 * these shapes, without filling in anything the wire did not carry: a field that is absent on the
 * wire stays absent here, so the shared assertions see exactly what the client saw.
 */

export type AuthMethod = "BASIC" | "PRIVATE_KEY_JWT";
export type AppStateName = "UNSPECIFIED" | "ACTIVE" | "INACTIVE";

/** How `details.sequence` (a uint64) arrived: a bigint (protobuf-es), a Long (ts-proto) or a JSON string. */
export type SequenceWire = "bigint" | "Long" | "string";

export interface Details {
  sequence: bigint;
  sequenceWire: SequenceWire;
  creationDate?: Date;
  changeDate?: Date;
  resourceOwner: string;
}

export interface AddedProject {
  id: string;
  details?: Details;
}

export interface AddedApp {
  appId: string;
  clientId: string;
  /** Absent when the response carried no (or an empty) secret. */
  clientSecret?: string;
  details?: Details;
}

export interface ReadApp {
  id: string;
  name: string;
  state: AppStateName;
  details?: Details;
  /** Which member of the config oneof was set (only "apiConfig" is valid for these apps). */
  configCase?: string;
  clientId?: string;
  authMethod?: AuthMethod;
}

/** zitadel.v1.ErrorDetail as decoded from the error (status details, REST `details`, Connect details). */
export interface ErrorDetail {
  id: string;
  message: string;
}

/** A failed call as the client reported it. */
export interface CallError {
  /** gRPC status code (5 NotFound, 7 PermissionDenied, 16 Unauthenticated, ...). */
  code: number;
  message: string;
  /**
   * The zitadel.v1.ErrorDetail(s) the error carried: Connect's error details, grpc-status-details-bin,
   * REST's `details`, or buf curl's printed details. A detail of any other type appears as `{ id: "<unexpected ...>" }`.
   */
  details: ErrorDetail[];
  /** REST only: the HTTP status of the response. */
  httpStatus?: number;
}

export interface CallOptions {
  /** Sent as x-zitadel-orgid. */
  orgId?: string;
}

/** One client, connected to one keygate, authenticated with one token (or with none). */
export interface Session {
  addProject(name: string, options?: CallOptions): Promise<AddedProject>;
  addAPIApp(projectId: string, name: string, authMethod: AuthMethod, options?: CallOptions): Promise<AddedApp>;
  getAppByID(projectId: string, appId: string, options?: CallOptions): Promise<ReadApp>;
  close(): void;
}

export interface Target {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
}

export interface ClientUnderTest {
  name: string;
  /** How this client delivers uint64 fields. */
  sequenceWire: SequenceWire;
  /** A session sending `authorization: Bearer <token>`, or no authorization header when token is undefined. */
  connect(target: Target, token: string | undefined): Session;
  /** Converts whatever this client throws into a CallError; rethrows anything that is not this client's call error. */
  toCallError(error: unknown): CallError;
}

/** Thrown by adapters whose clients report errors through return values (REST, buf curl). */
export class CallFailure extends Error {
  constructor(readonly callError: CallError) {
    super(`call failed: ${JSON.stringify(callError)}`);
  }
}
