// Shared test helpers: real databases only (PGlite in memory, or this run's Postgres database).
import { randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, inject } from "vitest";
import { type AppConfig, createApp, startAppServices } from "../src/app.ts";
import { type Database, type Db, openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { type NewUser, type User, users } from "../src/db/schema.ts";
import { parseEnv } from "../src/env.ts";
import { sqlState } from "../src/lib/db-errors.ts";
import { type Logger, loggerOptions } from "../src/lib/logger.ts";
import { databaseUrlFor } from "./global-setup.ts";

/** This run's Postgres server, or null when the suite runs on PGlite. */
export const postgres = inject("postgres");

/** Which database this run uses, for test names. */
export const databaseKind = postgres ? "Postgres" : "PGlite";

/**
 * A migrated database for one test file: a fresh in-memory PGlite, or a new pool on this run's
 * Postgres database (shared by the files of the run, so tests make their own users).
 */
export async function openTestDatabase(): Promise<Database> {
  if (postgres) return openDatabase({ url: postgres.runUrl, dataDir: "unused", poolMax: 5 });
  const database = await openDatabase({ url: "memory://", dataDir: "unused" });
  await migrate(database.db);
  return database;
}

/**
 * An empty database (no migrations) of its own: a new Postgres database on the test server,
 * dropped by `drop()`, or a fresh in-memory PGlite.
 */
export async function createEmptyDatabase(): Promise<{
  url: string;
  drop: () => Promise<void>;
}> {
  if (!postgres) return { url: "memory://", drop: async () => {} };
  const name = `${postgres.prefix}_${randomBytes(4).toString("hex")}`;
  await adminQuery(`create database "${name}"`);
  return {
    url: databaseUrlFor(postgres.adminUrl, name),
    drop: () => adminQuery(`drop database if exists "${name}" with (force)`),
  };
}

async function adminQuery(text: string): Promise<void> {
  if (!postgres) throw new Error("no Postgres server in this run");
  const client = new pg.Client({ connectionString: postgres.adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** An email no other test uses, so tests sharing a database never collide. */
export function uniqueEmail(label = "user"): string {
  return `${label}-${randomUUID()}@example.test`;
}

export async function createUser(db: Db, fields: Partial<NewUser> = {}): Promise<User> {
  const email = fields.email ?? uniqueEmail();
  const [user] = await db
    .insert(users)
    .values({ name: email.split("@")[0] ?? "user", ...fields, email })
    .returning();
  if (!user) throw new Error("insert returned no row");
  return user;
}

/** Runs `fn` and returns the SQLSTATE it failed with; fails the test if it succeeded. */
export async function rejectsWithSqlState(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    return sqlState(error);
  }
  throw new Error("expected the database to refuse the query, but it succeeded");
}

/** The web app's origin in tests: trusted by default, so tests send it as Better Auth requires. */
export const APP_ORIGIN = "http://localhost:3000";

/**
 * The app's configuration for tests: defaults, a fixed secret, and rate limits off unless a test
 * turns them on (the rate-limit tests do).
 */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    ...parseEnv({ NODE_ENV: "test", RATE_LIMIT_ENABLED: "false" }),
    secret: "test-secret-that-is-at-least-32-characters-long",
    ...overrides,
  };
}

export interface TestServer {
  url: string;
  close: () => Promise<void>;
}

/**
 * Serves the real app over HTTP on a free port, as server.ts does: with its own revocation poll,
 * as one API instance has. `close()` stops both (the database stays open).
 */
export async function startTestServer(
  database: Database,
  config = testConfig(),
  logger: Logger = pino({ level: "silent" }),
): Promise<TestServer> {
  const services = startAppServices(database, { logger, retentionDays: 30 });
  const app = createApp({ database, logger, config, ...services });
  return new Promise((resolve) => {
    const server = serve(
      { fetch: app.fetch, hostname: "127.0.0.1", port: 0 },
      (info: AddressInfo) =>
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: async () => {
            await services.feed.stop(); // ends the event streams, which hold the server open
            await new Promise<void>((done) => server.close(() => done()));
            await services.stop();
          },
        }),
    );
  });
}

/** A migrated database and the app served on it, as `useTestServer` gives them to tests. */
export interface ServedApp {
  readonly database: Database;
  readonly server: TestServer;
}

/**
 * A migrated database and the app served on it, for the tests of the calling file (or describe
 * block): opened before them, closed after them. Read its fields in hooks and tests only.
 */
export function useTestServer(config?: AppConfig, logger?: Logger): ServedApp {
  let database: Database | undefined;
  let server: TestServer | undefined;
  beforeAll(async () => {
    database = await openTestDatabase();
    server = await startTestServer(database, config, logger);
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });
  const opened = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useTestServer: read before its beforeAll ran");
    return value;
  };
  return {
    get database() {
      return opened(database);
    },
    get server() {
      return opened(server);
    },
  };
}

/** A logger that keeps every line it writes, parsed, for tests that read the log. */
export function captureLogger(): {
  logger: Logger;
  lines: Record<string, unknown>[];
  text: () => string;
} {
  const raw: string[] = [];
  // The app's own options: the tests read what production would write.
  const logger = pino(
    { ...loggerOptions, level: "info" },
    { write: (line: string) => void raw.push(line) },
  );
  return {
    logger,
    get lines() {
      return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => raw.join(""),
  };
}
