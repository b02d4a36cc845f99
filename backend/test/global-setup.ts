// Runs once per `vitest run`. With TEST_DATABASE_URL set, it makes this run's own throw-away
// database on that server (so runs never see each other's data), migrates it, and drops it at the
// end. An unreachable server fails the run: it never quietly falls back to PGlite.
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { loadTestEnv } from "../src/env.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Set when the suite runs on a Postgres server; null on PGlite. */
    postgres: { adminUrl: string; runUrl: string; prefix: string } | null;
  }
}

export function databaseUrlFor(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export default async function setup(project: TestProject) {
  const { TEST_DATABASE_URL: adminUrl } = loadTestEnv();
  if (!adminUrl) {
    project.provide("postgres", null);
    return;
  }
  const prefix = `todo_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const runDatabase = `${prefix}_run`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `TEST_DATABASE_URL is set but its server does not answer: ${(error as Error).message}`,
    );
  }
  await admin.query(`create database "${runDatabase}"`);
  const runUrl = databaseUrlFor(adminUrl, runDatabase);
  const database = await openDatabase({ url: runUrl, dataDir: "unused" });
  await migrate(database.db);
  await database.close();
  project.provide("postgres", { adminUrl, runUrl, prefix });

  return async () => {
    // Drop this run's database and any scratch database a failed test left behind.
    const { rows } = await admin.query<{ datname: string }>(
      "select datname from pg_database where datname like $1",
      [`${prefix}%`],
    );
    for (const { datname } of rows)
      await admin.query(`drop database if exists "${datname}" with (force)`);
    await admin.end();
  };
}
