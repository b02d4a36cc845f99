import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { migrationsMissingFromSchema } from "../../scripts/check-migrations.ts";
import { createEmptyDatabase, databaseKind } from "../../test/helpers.ts";
import { type Db, openDatabase } from "./client.ts";
import { migrate, readMigrations } from "./migrate.ts";

const ALL = readMigrations().length;

/** Everything migrations create, read from the catalog, to compare before and after. */
async function catalog(db: Db) {
  const { rows } = await db.execute(sql`
    select 'column' as kind, table_name || '.' || column_name || ' ' || data_type || ' ' || coalesce(column_default, '') as item
      from information_schema.columns where table_schema = 'public'
    union all
    select 'constraint', conrelid::regclass || ' ' || pg_get_constraintdef(oid)
      from pg_constraint where connamespace = 'public'::regnamespace
    union all
    select 'index', indexdef from pg_indexes where schemaname = 'public'
    union all
    select 'extension', extname from pg_extension
    union all
    select 'migration', hash || ' ' || created_at from drizzle.__drizzle_migrations
    order by 1, 2`);
  return rows;
}

/** Runs `fn` against a new, empty database of this run's kind and always cleans up. */
async function withEmptyDatabase(fn: (open: () => Promise<Db>) => Promise<void>) {
  const empty = await createEmptyDatabase();
  const opened: { close(): Promise<void> }[] = [];
  // PGlite in memory is one database per handle: every "instance" shares the first handle.
  let shared: Promise<Db> | undefined;
  const open = (): Promise<Db> => {
    if (shared && empty.url === "memory://") return shared;
    shared = openDatabase({ url: empty.url, dataDir: "unused" }).then((database) => {
      opened.push(database);
      return database.db;
    });
    return shared;
  };
  try {
    await fn(open);
  } finally {
    await Promise.all(opened.map((database) => database.close()));
    await empty.drop();
  }
}

describe(`migrations (${databaseKind})`, () => {
  it("create the schema on an empty database, and a second run changes nothing", () =>
    withEmptyDatabase(async (open) => {
      const db = await open();
      expect(await migrate(db)).toBe(ALL);
      const first = await catalog(db);
      expect(first.filter((row) => row.kind === "migration")).toHaveLength(ALL);
      expect(await migrate(db)).toBe(0);
      expect(await catalog(db)).toEqual(first);
    }));

  it("are applied once when several instances start at the same time", () =>
    withEmptyDatabase(async (open) => {
      const instances = await Promise.all([open(), open(), open()]);
      const applied = await Promise.all(instances.map((db) => migrate(db)));
      expect(applied.sort()).toEqual([0, 0, ALL]);
      const rows = await catalog(instances[0] as Db);
      expect(rows.filter((row) => row.kind === "migration")).toHaveLength(ALL);
    }));

  it("match schema.ts: drizzle-kit finds nothing left to generate", async () => {
    expect(await migrationsMissingFromSchema()).toEqual([]);
  });
});
