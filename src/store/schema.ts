import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

/** Tables as the migrations create them. int8 columns are parsed to numbers (see database.ts). */
export interface Database {
  events2: EventsTable;
  aggregates: AggregatesTable;
  unique_constraints: UniqueConstraintsTable;
  instances: InstancesTable;
  orgs: OrgsTable;
  projects: ProjectsTable;
  project_roles: ProjectRolesTable;
  apps: AppsTable;
  app_api_configs: AppApiConfigsTable;
  app_keys: AppKeysTable;
  app_secrets: AppSecretsTable;
  app_secret_uses: AppSecretUsesTable;
  app_roles: AppRolesTable;
  users: UsersTable;
  personal_access_tokens: PersonalAccessTokensTable;
  machine_keys: MachineKeysTable;
  members: MembersTable;
  signing_keys: SigningKeysTable;
  access_tokens: AccessTokensTable;
  app_access_tokens: AppAccessTokensTable;
  used_client_assertions: UsedClientAssertionsTable;
}

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface EventsTable {
  instance_id: string;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  sequence: number;
  revision: number;
  created_at: Timestamp;
  payload: ColumnType<unknown, string | null, string | null>;
  creator: string;
  owner: string;
  position: ColumnType<string, string, string>;
  in_tx_order: number;
}

/** The head of each aggregate: its owner and latest sequence. Locked by writers of that aggregate. */
export interface AggregatesTable {
  instance_id: string;
  aggregate_type: string;
  aggregate_id: string;
  owner: string;
  sequence: number;
  updated_at: Timestamp;
}

export interface UniqueConstraintsTable {
  instance_id: string;
  unique_type: string;
  unique_field: string;
}

interface ProjectedRow {
  instance_id: string;
  creation_date: Timestamp;
  change_date: Timestamp;
  sequence: number;
}

export interface InstancesTable {
  id: string;
  name: string;
  creation_date: Timestamp;
}

export interface OrgsTable extends ProjectedRow {
  id: string;
  name: string;
  state: number;
  primary_domain: string;
}

export interface ProjectsTable extends ProjectedRow {
  id: string;
  owner: string;
  name: string;
  state: number;
  project_role_assertion: boolean;
  project_role_check: boolean;
  has_project_check: boolean;
  private_labeling_setting: number;
  /** How many apps the project has (0 for a new project). */
  app_count: Generated<number>;
  /** The sequence of the latest event applied to the project's apps, removals included (0 before the first). */
  apps_sequence: Generated<number>;
  /** keygate.v1's metadata (see object-metadata.ts). */
  description: Generated<string>;
  labels: ColumnType<Record<string, string>, string | undefined, string>;
  owner_contacts: ColumnType<string[], string | undefined, string>;
}

export interface ProjectRolesTable extends ProjectedRow {
  project_id: string;
  /** The role key exactly as added (unique per project case-insensitively, through the unique constraint). */
  key: string;
  owner: string;
  display_name: string;
  /** The role's group ("group" is an SQL keyword). */
  role_group: string;
}

export interface AppsTable extends ProjectedRow {
  id: string;
  project_id: string;
  owner: string;
  name: string;
  state: number;
  /** keygate.v1's metadata (see object-metadata.ts). */
  version: Generated<string>;
  description: Generated<string>;
  labels: ColumnType<Record<string, string>, string | undefined, string>;
  owner_contacts: ColumnType<string[], string | undefined, string>;
}

export interface AppApiConfigsTable {
  instance_id: string;
  app_id: string;
  client_id: string;
  auth_method: number;
  /** Whether the app may obtain tokens for itself with the client credentials grant (keygate's opt-in). */
  client_credentials: Generated<boolean>;
  /** The token type the grant issues the app (0 bearer, 1 JWT: a service user's AccessTokenType). */
  client_credentials_token_type: Generated<number>;
}

/** The project roles an API app holds (keygate's extension). */
export interface AppRolesTable {
  instance_id: string;
  app_id: string;
  role_key: string;
  project_id: string;
  owner: string;
  creation_date: Timestamp;
  sequence: number;
}

/** The secrets of API apps (app-secret.ts); the plaintext never, only its hash and last four characters. */
export interface AppSecretsTable extends ProjectedRow {
  app_id: string;
  id: string;
  project_id: string;
  owner: string;
  hash: string;
  last_four: string;
  /** Null: never expires. */
  expiration: Timestamp | null;
}

/** When each secret last authenticated, to the minute (operational data, not derived from events). */
export interface AppSecretUsesTable {
  instance_id: string;
  app_id: string;
  secret_id: string;
  last_used: Timestamp;
}

export interface AppKeysTable extends ProjectedRow {
  id: string;
  project_id: string;
  app_id: string;
  owner: string;
  client_id: string;
  type: number;
  expiration: Timestamp;
  public_key: string;
  /** False while the app is BASIC: keys are hidden then, and visible again when it switches back. */
  enabled: boolean;
}

export interface UsersTable extends ProjectedRow {
  id: string;
  owner: string;
  user_name: string;
  name: string;
  description: string;
  state: number;
  /** ZITADEL's AccessTokenType: 0 bearer (opaque), 1 JWT. */
  access_token_type: Generated<number>;
  /** The hash of the service user's client secret; null when it has none. */
  secret_hash: string | null;
}

/** Keys of service users: public keys only (base64 of the PEM, as the event carries it). */
export interface MachineKeysTable extends ProjectedRow {
  id: string;
  user_id: string;
  owner: string;
  type: number;
  expiration: Timestamp;
  public_key: string;
}

export interface PersonalAccessTokensTable extends ProjectedRow {
  id: string;
  user_id: string;
  owner: string;
  token_digest: string;
  expiration: Timestamp;
}

export interface MembersTable extends ProjectedRow {
  /** instance, org or project */
  aggregate_type: string;
  aggregate_id: string;
  user_id: string;
  owner: string;
  roles: string[];
}

/** The instance's token-signing keys; the private key only as a JWE under the master key. */
export interface SigningKeysTable extends ProjectedRow {
  id: string;
  algorithm: string;
  public_key: string;
  private_key_encrypted: string;
  signs_until: Timestamp;
  published_until: Timestamp;
}

/** Tokens keygate issued to service users, one row per session; opaque tokens only as digests. */
export interface AccessTokensTable extends ProjectedRow {
  id: string;
  user_id: string;
  owner: string;
  client_id: string;
  audience: string[];
  scopes: string[];
  /** "secret" or "key": the credential the user authenticated with; a key's id in key_id. */
  auth_method: string;
  token_type: string | null;
  token_digest: string | null;
  key_id: string | null;
  expiration: Timestamp | null;
}

/** Tokens API apps obtained for themselves (client credentials grant), one row per token; opaque ones only as digests. */
export interface AppAccessTokensTable extends ProjectedRow {
  id: string;
  app_id: string;
  project_id: string;
  owner: string;
  client_id: string;
  audience: string[];
  scopes: string[];
  /** "secret" or "key": the credential the app authenticated with; its id in secret_id or key_id. */
  auth_method: string;
  token_type: string;
  token_digest: string | null;
  key_id: string | null;
  secret_id: string | null;
  expiration: Timestamp;
}

/** Client assertions with a `jti` already used, until they expire (replay protection, not derived from events). */
export interface UsedClientAssertionsTable {
  instance_id: string;
  issuer: string;
  jti: string;
  expires_at: Timestamp;
}

export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Insertable<EventsTable>;
export type AppRow = Selectable<AppsTable>;
