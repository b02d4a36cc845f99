import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKind, openTestDatabase } from "../test/helpers.ts";
import { createApp } from "./app.ts";
import type { Database } from "./db/client.ts";

const logger = pino({ level: "silent" });

/** Serves the app over real HTTP on a free port. */
async function listen(database: Database): Promise<{ url: string; server: ServerType }> {
  const app = createApp({ database, logger });
  return new Promise((resolve) => {
    const server = serve(
      { fetch: app.fetch, hostname: "127.0.0.1", port: 0 },
      (info: AddressInfo) => resolve({ url: `http://127.0.0.1:${info.port}`, server }),
    );
  });
}

describe(`health endpoints over HTTP (${databaseKind})`, () => {
  let database: Database;
  let url: string;
  let server: ServerType;

  beforeAll(async () => {
    database = await openTestDatabase();
    ({ url, server } = await listen(database));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.close();
  });

  it("GET /healthz says the process is up", async () => {
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("GET /readyz runs a query and names the driver", async () => {
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: database.driver });
  });

  it("answers an unknown route with a problem+json 404 carrying the request id", async () => {
    const response = await fetch(`${url}/no/such/route`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = await response.json();
    expect(body).toEqual({
      type: "about:blank",
      title: "Not Found",
      status: 404,
      detail: "No route for GET /no/such/route.",
      request_id: response.headers.get("x-request-id"),
    });
  });
});

describe(`readiness when the database is gone (${databaseKind})`, () => {
  it("GET /readyz answers 503 problem+json, with no driver error in it", async () => {
    const database = await openTestDatabase();
    const { url, server } = await listen(database);
    try {
      await database.close();
      const response = await fetch(`${url}/readyz`);
      expect(response.status).toBe(503);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        status: 503,
        title: "Service Unavailable",
        detail: "The database is not reachable.",
      });
      expect(Object.keys(body).sort()).toEqual(["detail", "request_id", "status", "title", "type"]);
      // The process itself is still up.
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
