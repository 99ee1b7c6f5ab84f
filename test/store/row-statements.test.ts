import { afterAll, beforeAll, expect, test } from "vitest";
import { openStore, type Store } from "../../src/store/open-store.js";
import { deleteWhere, insertRow, updateWhere } from "../../src/store/projections/row-statements.js";
import { embeddedBackend } from "../support/backends.js";

const embedded = embeddedBackend();
let store: Store;
beforeAll(async () => {
  store = await openStore(await embedded.create(), 1);
});
afterAll(async () => {
  await store.close();
  await embedded.dispose();
});

const at = new Date("2026-03-01T00:00:00Z");
const orgsOf = (instanceId: string) =>
  store.db.selectFrom("orgs").select(["id", "name", "primary_domain", "sequence"]).where("instance_id", "=", instanceId).orderBy("id").execute();
const org = (instanceId: string, id: string, name: string) => ({ instance_id: instanceId, id, name, state: 1, primary_domain: "", creation_date: at, change_date: at, sequence: 1 });

test("insertRow, updateWhere and deleteWhere change exactly the rows of their key, with each call's values", async () => {
  for (const [instance, id, name] of [["r1", "a", "alpha"], ["r1", "b", "beta"], ["r2", "a", "other"]] as const) {
    await store.db.executeQuery(insertRow(store.db, "orgs", org(instance, id, name)));
  }
  await store.db.executeQuery(updateWhere(store.db, "orgs", { name: "ALPHA", sequence: 2 }, { instance_id: "r1", id: "a" }));
  await store.db.executeQuery(updateWhere(store.db, "orgs", { name: "BETA", sequence: 3 }, { instance_id: "r1", id: "b" }));
  expect(await orgsOf("r1")).toEqual([
    { id: "a", name: "ALPHA", primary_domain: "", sequence: 2 },
    { id: "b", name: "BETA", primary_domain: "", sequence: 3 },
  ]);
  await store.db.executeQuery(deleteWhere(store.db, "orgs", { instance_id: "r1", id: "b" }));
  expect((await orgsOf("r1")).map((o) => o.id)).toEqual(["a"]);
  expect(await orgsOf("r2")).toEqual([{ id: "a", name: "other", primary_domain: "", sequence: 1 }]);
});

test("values that are undefined are left out: an update does not null them", async () => {
  await store.db.executeQuery(insertRow(store.db, "orgs", org("r3", "a", "kept")));
  await store.db.executeQuery(updateWhere(store.db, "orgs", { name: undefined, primary_domain: "set.example", sequence: 5 }, { instance_id: "r3", id: "a" }));
  expect(await orgsOf("r3")).toEqual([{ id: "a", name: "kept", primary_domain: "set.example", sequence: 5 }]);
});

test("each compiles to what Kysely's own builder compiles for the same values, undefined ones included", () => {
  // Undefined at run time, as an optional payload field can be; the column's type does not allow it.
  const values = { ...org("r4", "a", "n"), primary_domain: undefined as unknown as string };
  const changes = { name: "m", primary_domain: undefined, sequence: 7 };
  const key = { instance_id: "r4", id: "a" };
  const same = (ours: { sql: string; parameters: readonly unknown[] }, kysely: { compile(): { sql: string; parameters: readonly unknown[] } }) => {
    const theirs = kysely.compile();
    expect({ sql: ours.sql, parameters: ours.parameters }).toEqual({ sql: theirs.sql, parameters: theirs.parameters });
  };
  same(insertRow(store.db, "orgs", values), store.db.insertInto("orgs").values(values));
  same(updateWhere(store.db, "orgs", changes, key), store.db.updateTable("orgs").set(changes).where("instance_id", "=", key.instance_id).where("id", "=", key.id));
  same(deleteWhere(store.db, "orgs", key), store.db.deleteFrom("orgs").where("instance_id", "=", key.instance_id).where("id", "=", key.id));
});
