import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { precompile, rowsOf } from "../../src/store/precompiled.js";
import { openStore, type Store } from "../../src/store/open-store.js";

let store: Store;
beforeAll(async () => {
  store = await openStore({ kind: "embedded", dataDir: undefined }, 1);
  await store.db
    .insertInto("instances")
    .values([
      { id: "a", name: "first", creation_date: new Date("2026-01-01T00:00:00Z") },
      { id: "b", name: "second", creation_date: new Date("2026-01-02T00:00:00Z") },
      { id: "c", name: "second", creation_date: new Date("2026-01-03T00:00:00Z") },
    ])
    .execute();
});
afterAll(() => store.close());

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
