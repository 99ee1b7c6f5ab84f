import type pg from "pg";

export interface SeedScope {
  instanceId: string;
  orgId: string;
  userId: string;
}

let batch = 0;

/**
 * Adds `count` API apps to an existing project with set-based SQL, writing exactly what AddAPIApp
 * writes per app: two events (project.application.added, project.application.config.api.added)
 * with the project's next sequences, the app name's unique constraint, the apps and
 * app_api_configs rows, the project row's app count and latest app event, and the project's head
 * sequence. Ids are 18-digit decimals below the sonyflake ids keygate issues today, so they never
 * collide. Returns the app ids.
 */
export async function seedApps(db: pg.Client, scope: SeedScope, projectId: string, count: number): Promise<string[]> {
  const k = ++batch;
  const appBase = `${100_000_000_000_000_000n + BigInt(k) * 10_000_000n}`;
  const clientBase = `${200_000_000_000_000_000n + BigInt(k) * 10_000_000n}`;
  const hash = "$sha256$c2VlZHNhbHRzZWVkc2FsdA$Y2xpZW50c2VjcmV0aGFzaGNsaWVudHNlY3JldGhhc2g";
  await db.query("begin");
  try {
    await db.query("set local synchronous_commit = off");
    const head = await db.query(`select sequence from aggregates where instance_id = $1 and aggregate_type = 'project' and aggregate_id = $2 for update`, [scope.instanceId, projectId]);
    const s0 = Number(head.rows[0].sequence);
    // $1 instance, $2 project, $3 org, $4 user, $5 head sequence, $6 app id base, $7 client id base, $8 count, $9 secret hash
    const series = `select g, ($6::numeric + g)::text as app_id, ($7::numeric + g)::text as client_id, 'seed-' || g as name from generate_series(1, $8::int) g`;
    const params = [scope.instanceId, projectId, scope.orgId, scope.userId, s0, appBase, clientBase, count, hash];
    await db.query(
      `insert into events2 (instance_id, aggregate_type, aggregate_id, event_type, sequence, revision, created_at, payload, creator, owner, position, in_tx_order)
       select $1, 'project', $2, 'project.application.added', $5::bigint + 2 * g - 1, 1, now(), jsonb_build_object('appId', app_id, 'name', name), $4, $3, extract(epoch from now()), 1 from (${series}) s
       union all
       select $1, 'project', $2, 'project.application.config.api.added', $5::bigint + 2 * g, 1, now(), jsonb_build_object('appId', app_id, 'clientId', client_id, 'hashedSecret', $9::text), $4, $3, extract(epoch from now()), 2 from (${series}) s`,
      params,
    );
    // The read side, row for row what the projections write for those two events.
    const rowsOf = `select ($3::numeric + g)::text as app_id, ($4::numeric + g)::text as client_id, 'seed-' || g as name, $5::bigint + 2 * g as sequence from generate_series(1, $6::int) g`;
    const rowParams = [scope.instanceId, projectId, appBase, clientBase, s0, count];
    await db.query(`insert into unique_constraints (instance_id, unique_type, unique_field) select $1, 'appname', lower(name || ':' || $2) from (${rowsOf}) r`, rowParams);
    await db.query(
      `insert into apps (instance_id, creation_date, change_date, sequence, id, project_id, owner, name, state)
       select $1, now(), now(), sequence, app_id, $2, $7, name, 1 from (${rowsOf}) r`,
      [...rowParams, scope.orgId],
    );
    await db.query(
      `insert into app_api_configs (instance_id, app_id, client_id, client_secret_hash, auth_method) select $1, app_id, client_id, $7, 0 from (${rowsOf}) r where $2::text is not null`,
      [...rowParams, hash],
    );
    // The last seeded event (config.api.added of the last app) is the project's latest app event and its head.
    const last = s0 + 2 * count;
    await db.query(`update projects set app_count = app_count + $3, apps_sequence = $4 where instance_id = $1 and id = $2`, [scope.instanceId, projectId, count, last]);
    await db.query(`update aggregates set sequence = $3, updated_at = now() where instance_id = $1 and aggregate_type = 'project' and aggregate_id = $2`, [
      scope.instanceId,
      projectId,
      last,
    ]);
    await db.query("commit");
  } catch (error) {
    await db.query("rollback");
    throw error;
  }
  return Array.from({ length: count }, (_, i) => `${BigInt(appBase) + BigInt(i + 1)}`);
}

/**
 * Tops the events table up to `total` rows with generate_series: 100 app events each on synthetic
 * project aggregates (with their head rows), the shape and size of real app events.
 */
export async function seedEventsTo(db: pg.Client, scope: SeedScope, total: number): Promise<number> {
  const current = Number((await db.query("select count(*) as n from events2")).rows[0].n);
  const missing = total - current;
  if (missing <= 0) return current;
  const k = ++batch;
  const step = 200_000;
  for (let from = 0; from < missing; from += step) {
    const n = Math.min(step, missing - from);
    await db.query("begin");
    await db.query("set local synchronous_commit = off");
    await db.query(
      `insert into events2 (instance_id, aggregate_type, aggregate_id, event_type, sequence, revision, created_at, payload, creator, owner, position, in_tx_order)
       select $1, 'project', 'seedproject-' || $4 || '-' || ((g - 1) / 100), 'project.application.added', ((g - 1) % 100) + 1, 1, now(),
              jsonb_build_object('appId', (300000000000000000::numeric + $4::numeric * 10000000 + g)::text, 'name', 'seed-' || g), $3, $2, extract(epoch from now()), 1
       from generate_series($5::int + 1, $5::int + $6::int) g`,
      [scope.instanceId, scope.orgId, scope.userId, k, from, n],
    );
    await db.query(
      `insert into aggregates (instance_id, aggregate_type, aggregate_id, owner, sequence, updated_at)
       select $1, 'project', 'seedproject-' || $3 || '-' || p, $2, 100, now()
       from generate_series($4::int / 100, ($4::int + $5::int - 1) / 100) p
       on conflict (instance_id, aggregate_type, aggregate_id) do update set sequence = greatest(aggregates.sequence, 100)`,
      [scope.instanceId, scope.orgId, k, from, n],
    );
    await db.query("commit");
  }
  return Number((await db.query("select count(*) as n from events2")).rows[0].n);
}

/** Fresh statistics and visibility maps after bulk loads, so no autovacuum or stale plan lands in a measurement. */
export async function vacuumAnalyze(db: pg.Client): Promise<void> {
  await db.query("vacuum (analyze) events2, aggregates, unique_constraints, apps, app_api_configs, projects, app_keys");
}
