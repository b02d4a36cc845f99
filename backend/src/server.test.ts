// The real entry point, as `npm start` runs it: a separate process, real HTTP, real signals.
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postgres } from "../test/helpers.ts";
import {
  killServers,
  spawnServer,
  startServer,
  stopServer as stop,
} from "../test/server-process.ts";
import { readMigrations } from "./db/migrate.ts";

afterEach(killServers);

describe("the server on the embedded database", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "todo-server-"));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("starts on a new data directory, prints one line with URL and database, and is ready", async () => {
    const server = await startServer({ DATA_DIR: dataDir });
    expect(server.line).toContain(`using PGlite (embedded) at ${join(dataDir, "pglite")}`);
    expect(server.line).toContain(`applied ${readMigrations().length} migration(s)`);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ok", database: "pglite" });
    expect(existsSync(join(dataDir, "pglite.lock"))).toBe(true);

    // A second backend on the same directory is refused, in one line, and the first carries on.
    const second = spawnServer({ DATA_DIR: dataDir });
    expect(await second.exited).toBe(1);
    expect(second.output().trim()).toBe(
      `The embedded database at ${join(dataDir, "pglite")} is in use by process ${server.child.pid}. ` +
        "Stop that process first, or set DATABASE_URL to a Postgres server to run several backends.",
    );
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    expect(await stop(server, "SIGTERM")).toBe(0);
    expect(server.output()).toContain("SIGTERM: closing the server and the database");
    expect(existsSync(join(dataDir, "pglite.lock"))).toBe(false);
  });

  it("after SIGTERM, a request still arriving on a kept-alive connection is answered with Connection: close", async () => {
    const server = await startServer({ DATA_DIR: dataDir });
    const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
    await once(socket, "connect");
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk;
    });
    const closed = once(socket, "close");
    // A request on its way at SIGTERM (headers not finished): the server must answer it, and say
    // that the connection ends there, so a client that keeps it busy cannot hold the exit.
    socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n");
    server.child.kill("SIGTERM");
    while (!server.output().includes("SIGTERM: closing")) await setTimeout(10);
    socket.write("\r\n");
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received.toLowerCase()).toContain("connection: close\r\n");
    expect(await server.exited).toBe(0);
  });

  it("restarts on the existing directory without migrating again, and stops on SIGINT", async () => {
    const server = await startServer({ DATA_DIR: dataDir });
    expect(server.line).toContain("schema up to date");
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await stop(server, "SIGINT")).toBe(0);
  });
});

describe("the server refuses a bad start with one clear line", () => {
  it.each([
    [{ PORT: "eighty" }, /^Invalid configuration: PORT: .+$/],
    [
      { DATABASE_URL: "postgres://admin:hunter2@:5432/todo" },
      /^Invalid configuration: DATABASE_URL: must be postgres:\/\/.+$/,
    ],
    [
      { NODE_ENV: "production" },
      /^Invalid configuration: BETTER_AUTH_SECRET: is required in production.*$/,
    ],
    [
      { DATABASE_URL: "postgres://admin:hunter2@127.0.0.1:1/todo" },
      /^Cannot open the database \(Postgres \(node-postgres\) at postgres:\/\/admin:\*\*\*@127\.0\.0\.1:1\/todo\): .*ECONNREFUSED.*$/,
    ],
  ])("%o", async (vars, message) => {
    const { exited, output } = spawnServer({
      DATA_DIR: join(tmpdir(), "todo-never-created"),
      ...vars,
    });
    expect(await exited).toBe(1);
    expect(output().trim()).toMatch(message);
    expect(output().trim().split("\n")).toHaveLength(1);
    expect(output()).not.toContain("hunter2");
  });
});

describe.skipIf(!postgres)("the server on a Postgres server", () => {
  it("uses node-postgres for a postgres:// URL, is ready, and stops cleanly", async () => {
    const url = postgres?.runUrl ?? "";
    const server = await startServer({ DATABASE_URL: url });
    expect(server.line).toContain("using Postgres (node-postgres) at postgres://");
    expect(server.line).toContain("schema up to date");
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({
      status: "ok",
      database: "pg",
    });
    expect(await stop(server)).toBe(0);
  });
});
