/**
 * What a test database holds as a copy of its template, to bring it back there after a test file and
 * to tell whether anything else changed: the pools of started embedded engines and of Postgres
 * databases lend a database to one file after another (embedded-engine-pool.ts,
 * postgres-database-pool.ts), and each file must find it as a fresh copy would be.
 */

/** Runs one statement (or several, as one implicit transaction) and returns the rows of the last. */
export type RunSql = (sql: string) => Promise<Array<Record<string, unknown>>>;

/**
 * The catalogs that any change of schema, function, role or setting writes or removes a row of.
 * Their row counts, and how many of their rows were written since the state was taken (a row written
 * by a later transaction has a smaller age(xmin)), show any such change at a fraction of the cost of
 * describing the schema (8 against 30 ms on PGlite). Left out: the schemas for temporary tables,
 * which Postgres keeps once a session made them (empty after its end), and other databases' rows of
 * the server's shared catalogs. Roles are compared by what pg_roles shows of them (pg_authid is
 * for superusers only).
 */
const SCHEMA_CATALOGS: Record<string, string> = {
  pg_class: "",
  pg_attribute: "",
  pg_attrdef: "",
  pg_index: "",
  pg_constraint: "",
  pg_type: "",
  pg_proc: "",
  pg_trigger: "",
  pg_rewrite: "",
  pg_policy: "",
  pg_namespace: "WHERE nspname !~ '^pg_(toast_)?temp_'",
  pg_auth_members: "",
  pg_db_role_setting: "WHERE setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))",
  pg_extension: "",
  pg_database: "WHERE datname = current_database()",
  pg_sequence: "",
  pg_event_trigger: "",
};

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp|toast_temp)'`;

const quoted = (schema: string, name: string) => `"${schema.replaceAll('"', '""')}"."${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

async function firstValue(run: RunSql, sql: string): Promise<string> {
  return String((await run(sql))[0]!.value);
}

export class TemplateState {
  private constructor(
    /** The statements that bring the database back: one string, one implicit transaction. */
    readonly resetSql: string,
    private readonly fingerprintSql: string,
    private readonly fingerprint: string,
  ) {}

  /**
   * The state of the database `run` reaches, which must be a fresh copy of its template: the tables
   * it leaves empty, its sequences' values, the contents of the tables it fills and its schema.
   */
  static async of(run: RunSql): Promise<TemplateState> {
    const relations = (await run(`SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS} AND c.relkind IN ('r', 'p', 'S') ORDER BY 1, 2`)) as Array<{ schema: string; name: string; kind: string }>;
    const emptied: string[] = [];
    const filled: string[] = [];
    const sequences: string[] = [];
    for (const { schema, name, kind } of relations) {
      const relation = quoted(schema, name);
      if (kind === "S") sequences.push(relation);
      else if ((await firstValue(run, `SELECT count(*)::text AS value FROM ${relation}`)) === "0") emptied.push(relation);
      else filled.push(relation);
    }
    const setvals: string[] = [];
    for (const sequence of sequences) {
      const [state] = (await run(`SELECT last_value::text AS last, is_called AS called FROM ${sequence}`)) as Array<{ last: string; called: boolean }>;
      setvals.push(`SELECT setval(${literal(sequence)}, ${state!.last}, ${state!.called})`);
    }
    // DELETE, not TRUNCATE, which makes new files for every table and index (2 against 70 ms on
    // PGlite); as replica, foreign keys do not order the deletes.
    const resetSql = ["SET LOCAL session_replication_role = replica", ...emptied.map((table) => `DELETE FROM ${table}`), ...setvals].join(";\n");
    const startXid = await firstValue(run, "SELECT txid_current()::text AS value");
    const parts = [
      ...Object.entries(SCHEMA_CATALOGS).map(([catalog, where]) => `SELECT '${catalog} ' || count(*) || ' ' || count(*) FILTER (WHERE age(xmin) <= age('${startXid}'::xid)) FROM pg_catalog.${catalog} ${where}`),
      `SELECT 'roles ' || md5(string_agg(r::text, E'\\n' ORDER BY r.rolname)) FROM pg_roles r`,
      ...filled.map((table) => `SELECT ${literal(`rows ${table} `)} || coalesce((SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM ${table} t), '')`),
      ...sequences.map((sequence) => `SELECT ${literal(`sequence ${sequence} `)} || last_value || ' ' || is_called FROM ${sequence}`),
    ];
    const fingerprintSql = `SELECT md5(string_agg(x, E'\\n' ORDER BY x)) AS value FROM (${parts.map((part) => `(${part})`).join(" UNION ALL ")}) AS everything(x)`;
    return new TemplateState(resetSql, fingerprintSql, await firstValue(run, fingerprintSql));
  }

  /** Whether the database is as the state was taken, outside the tables and sequences a reset rebuilds. */
  async holds(run: RunSql): Promise<boolean> {
    return (await firstValue(run, this.fingerprintSql)) === this.fingerprint;
  }
}
