import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEmptyDatabase, createUser, postgres } from "../../test/helpers.ts";
import { neonThroughProxy } from "../../test/ws-proxy.ts";
import { BACKEND_DIR, ConfigError } from "../env.ts";
import {
  type ConnectionOptions,
  type Database,
  describeConnection,
  openDatabase,
  redactUrl,
  resolveConnection,
} from "./client.ts";
import { DatabaseLockedError, STALE_MS, thisProcess } from "./lock.ts";
import { migrate } from "./migrate.ts";
import { tasks, users } from "./schema.ts";

const dataDir = "/srv/todo-data";

describe("choosing the driver", () => {
  it.each<[string, Omit<ConnectionOptions, "dataDir">, unknown]>([
    [
      "unset: embedded, in the data directory",
      {},
      { driver: "pglite", dataDir: "/srv/todo-data/pglite" },
    ],
    ["memory://", { url: "memory://" }, { driver: "pglite", dataDir: null }],
    [
      "file: relative to backend/",
      { url: "file:./other" },
      { driver: "pglite", dataDir: join(BACKEND_DIR, "other") },
    ],
    [
      "file: absolute",
      { url: "file:///var/lib/todo" },
      { driver: "pglite", dataDir: "/var/lib/todo" },
    ],
    [
      "postgres://",
      { url: "postgres://u:p@db.internal:5432/todo" },
      { driver: "pg", url: "postgres://u:p@db.internal:5432/todo" },
    ],
    [
      "postgresql://",
      { url: "postgresql://localhost/todo" },
      { driver: "pg", url: "postgresql://localhost/todo" },
    ],
    [
      "a *.neon.tech host",
      {
        url: "postgresql://u:p@ep-cool-name-123456.eu-central-1.aws.neon.tech/neondb?sslmode=require",
      },
      {
        driver: "neon",
        url: "postgresql://u:p@ep-cool-name-123456.eu-central-1.aws.neon.tech/neondb?sslmode=require",
      },
    ],
    [
      "a Neon-like host that is not Neon",
      { url: "postgres://neon.tech.example.com/db" },
      { driver: "pg", url: "postgres://neon.tech.example.com/db" },
    ],
    [
      "DATABASE_DRIVER=neon over a plain host",
      { url: "postgres://127.0.0.1/db", driver: "neon" },
      { driver: "neon", url: "postgres://127.0.0.1/db" },
    ],
    [
      "DATABASE_DRIVER=pg over a Neon host",
      { url: "postgres://x.neon.tech/db", driver: "pg" },
      { driver: "pg", url: "postgres://x.neon.tech/db" },
    ],
    [
      "DATABASE_DRIVER=pglite with no URL",
      { driver: "pglite" },
      { driver: "pglite", dataDir: "/srv/todo-data/pglite" },
    ],
  ])("%s", (_, options, expected) => {
    expect(resolveConnection({ dataDir, ...options })).toEqual(expected);
  });

  it.each<[string, Omit<ConnectionOptions, "dataDir">, RegExp]>([
    [
      "a driver that needs a server URL",
      { driver: "pg" },
      /DATABASE_DRIVER: "pg" needs DATABASE_URL/,
    ],
    [
      "pglite with a server URL",
      { url: "postgres://h/db", driver: "pglite" },
      /DATABASE_DRIVER: "pglite" needs/,
    ],
    [
      "a malformed URL",
      { url: "postgres://user:s3cret@:5432/db" },
      /^Invalid configuration: DATABASE_URL: must be/,
    ],
    [
      "an unknown scheme",
      { url: "mysql://user:s3cret@host/db" },
      /^Invalid configuration: DATABASE_URL: must be/,
    ],
  ])("refuses %s with a clear message and no password", (_, options, message) => {
    let error: unknown;
    try {
      resolveConnection({ dataDir, ...options });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("s3cret");
  });

  it("masks the password when describing a connection", () => {
    const url = "postgres://todo:s3cret@db.example.com:5432/todo";
    expect(redactUrl(url)).toBe("postgres://todo:***@db.example.com:5432/todo");
    expect(describeConnection(resolveConnection({ url, dataDir }))).toBe(
      "Postgres (node-postgres) at postgres://todo:***@db.example.com:5432/todo",
    );
    expect(
      describeConnection(resolveConnection({ url: "postgres://a:b@x.neon.tech/db", dataDir })),
    ).toBe("Neon serverless (WebSocket) at postgres://a:***@x.neon.tech/db");
    expect(describeConnection(resolveConnection({ url: "memory://", dataDir }))).toBe(
      "PGlite (embedded) in memory",
    );
  });
});

/** Writes a user with two tasks; returns what a later read must equal. */
async function writeSample(database: Database) {
  const user = await createUser(database.db, { name: "Persistent Pat" });
  const written = await database.db
    .insert(tasks)
    .values([
      {
        user_id: user.id,
        title: "survive a restart",
        tags: ["db"],
        due_at: "2026-12-24T18:00:00Z",
      },
      { user_id: user.id, title: "and another", priority: "high", position: 2.5 },
    ])
    .returning();
  return { user, tasks: written };
}

async function readSample(database: Database, userId: string) {
  const [user] = await database.db.select().from(users).where(eq(users.id, userId));
  const rows = await database.db
    .select()
    .from(tasks)
    .where(eq(tasks.user_id, userId))
    .orderBy(tasks.id);
  return { user, tasks: rows };
}

describe("embedded PGlite in a data directory", () => {
  let dir: string;
  const opened: Database[] = [];
  const open = async () => {
    const database = await openDatabase({ dataDir: dir });
    opened.push(database);
    return database;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "todo-pglite-"));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((database) => database.close()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps users and tasks across a close and reopen", async () => {
    const first = await open();
    await migrate(first.db);
    const sample = await writeSample(first);
    await first.close();

    const second = await open();
    expect(await migrate(second.db)).toBe(0);
    expect(await readSample(second, sample.user.id)).toEqual(sample);
  });

  it("refuses a second opener of the same directory; the first keeps working", async () => {
    const first = await open();
    await migrate(first.db);
    const sample = await writeSample(first);

    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(DatabaseLockedError);
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/already open in this process/);

    const more = await first.db
      .insert(tasks)
      .values({ user_id: sample.user.id, title: "still writable" })
      .returning();
    const after = await readSample(first, sample.user.id);
    expect(after.tasks).toEqual([...sample.tasks, ...more]);
  });

  it("refuses the directory while another live process holds its lock, naming it", async () => {
    const lockPath = join(dir, "pglite.lock");
    // A process of this PID namespace that is certainly alive.
    writeFileSync(lockPath, JSON.stringify({ ...thisProcess(), pid: process.ppid }));
    try {
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(
        `in use by process ${process.ppid}`,
      );
    } finally {
      rmSync(lockPath, { force: true });
    }
  });

  it("takes over at once a lock left by a process of this PID namespace that died, and releases it on close", async () => {
    const lockPath = join(dir, "pglite.lock");
    writeFileSync(lockPath, JSON.stringify({ ...thisProcess(), pid: 2147483646 })); // no such process
    const started = performance.now();
    const database = await open();
    // No waiting for a heartbeat to age: the crash test restarts after SIGKILL many times.
    expect(performance.now() - started).toBeLessThan(STALE_MS / 2);
    expect(JSON.parse(readFileSync(lockPath, "utf8"))).toMatchObject({ pid: process.pid });
    await database.close();
    expect(() => readFileSync(lockPath)).toThrow(/ENOENT/);
  });
});

describe.skipIf(!postgres)("Postgres server (node-postgres pool)", () => {
  it("keeps users and tasks across pools", async () => {
    const empty = await createEmptyDatabase();
    try {
      const first = await openDatabase({ url: empty.url, dataDir });
      expect(first.driver).toBe("pg");
      await migrate(first.db);
      const sample = await writeSample(first);
      await first.close();

      const second = await openDatabase({ url: empty.url, dataDir });
      try {
        expect(await readSample(second, sample.user.id)).toEqual(sample);
      } finally {
        await second.close();
      }
    } finally {
      await empty.drop();
    }
  });
});

describe.skipIf(!postgres)("Neon serverless driver, through a local WebSocket proxy", () => {
  const proxy = neonThroughProxy();

  it("applies the migrations and round-trips a user and their tasks", async () => {
    const empty = await createEmptyDatabase();
    try {
      const database = await openDatabase({ url: empty.url, driver: "neon", dataDir });
      try {
        expect(database.driver).toBe("neon");
        expect(await migrate(database.db)).toBeGreaterThan(0);
        const sample = await writeSample(database);
        expect(await readSample(database, sample.user.id)).toEqual(sample);
        // A transaction through the WebSocket too.
        await database.db.transaction(async (tx) => {
          await tx.update(tasks).set({ title: "renamed" }).where(eq(tasks.user_id, sample.user.id));
        });
        const after = await readSample(database, sample.user.id);
        expect(after.tasks.map((t) => t.title)).toEqual(["renamed", "renamed"]);
      } finally {
        await database.close();
      }
      expect(proxy().connections()).toBeGreaterThan(0);
    } finally {
      await empty.drop();
    }
  });
});
