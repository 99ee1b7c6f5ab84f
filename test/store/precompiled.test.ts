import { afterAll, beforeAll, expect, test } from "vitest";
import { precompile, precompiledShape, rowsOf } from "../../src/store/precompiled.js";
import { openStore, type Store } from "../../src/store/open-store.js";
import { embeddedBackend } from "../support/backends.js";

const embedded = embeddedBackend();
let store: Store;
beforeAll(async () => {
  store = await openStore(await embedded.create(), 1);
  await store.db
    .insertInto("instances")
    .values([
      { id: "a", name: "first", creation_date: new Date("2026-01-01T00:00:00Z") },
      { id: "b", name: "second", creation_date: new Date("2026-01-02T00:00:00Z") },
      { id: "c", name: "second", creation_date: new Date("2026-01-03T00:00:00Z") },
    ])
    .execute();
});
afterAll(async () => {
  await store.close();
  await embedded.dispose();
});

const byNameOrId = precompile((db, name: string, id: string) =>
  db.selectFrom("instances").select("id").where((eb) => eb.or([eb("name", "=", name), eb("id", "=", id)])).where("id", "!=", "zzz").orderBy("id").limit(10),
);

test("each call runs the compiled statement with its own arguments, keeping the builder's constants", async () => {
  expect(await rowsOf(store.db, byNameOrId(store.db, "second", "-"))).toEqual([{ id: "b" }, { id: "c" }]);
  expect(await rowsOf(store.db, byNameOrId(store.db, "-", "a"))).toEqual([{ id: "a" }]);
  const compiled = byNameOrId(store.db, "x", "y");
  expect(compiled.parameters).toEqual(["x", "y", "zzz", 10]);
  // Compiled once: the text is the same object on every call.
  expect(byNameOrId(store.db, "p", "q").sql).toBe(compiled.sql);
});

test("an argument the builder does not pass to the statement is refused, not silently dropped", () => {
  const careless = precompile((db, name: string, _unused: string) => db.selectFrom("instances").select("id").where("name", "=", name));
  expect(() => careless(store.db, "a", "b")).toThrow(/must use each of its 2 arguments/);
});

test("arguments of any type (numbers, dates, null) reach the statement as they are", async () => {
  const addOrg = precompile((db, id: string, name: string, state: number, createdAt: Date, domain: string | null) =>
    db.insertInto("orgs").values({ instance_id: "pre", id, name, state, primary_domain: domain as string, creation_date: createdAt, change_date: createdAt, sequence: state }),
  );
  const at = new Date("2026-02-03T04:05:06.789Z");
  await store.db.executeQuery(addOrg(store.db, "o1", "first", 3, at, "one.example"));
  await store.db.executeQuery(addOrg(store.db, "o2", "second", 4, at, "two.example"));
  const rows = await store.db.selectFrom("orgs").select(["id", "name", "state", "sequence", "creation_date", "primary_domain"]).where("instance_id", "=", "pre").orderBy("id").execute();
  expect(rows).toEqual([
    { id: "o1", name: "first", state: 3, sequence: 3, creation_date: at, primary_domain: "one.example" },
    { id: "o2", name: "second", state: 4, sequence: 4, creation_date: at, primary_domain: "two.example" },
  ]);
  // A NOT NULL column refuses the null: the argument was passed, not replaced by the placeholder.
  await expect(store.db.executeQuery(addOrg(store.db, "o3", "third", 5, at, null))).rejects.toThrow(/null value/);
});

test("a statement of a given shape is compiled once; other shapes get their own", () => {
  const byName = (shape: string, column: "name" | "id") =>
    precompiledShape(shape, (db, value) => db.selectFrom("instances").select("id").where(column, "=", value as string));
  const first = byName("test instances by name", "name")(store.db, "a");
  // Same shape: the builder given the second time is not used, the statement compiled first is.
  expect(byName("test instances by name", "id")(store.db, "b").sql).toBe(first.sql);
  expect(byName("test instances by id", "id")(store.db, "b").sql).not.toBe(first.sql);
  expect(byName("test instances by id", "id")(store.db, "c").parameters).toEqual(["c"]);
});
