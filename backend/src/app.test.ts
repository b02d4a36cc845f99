import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  databaseKind,
  openTestDatabase,
  startTestServer,
  type TestServer,
} from "../test/helpers.ts";
import type { Database } from "./db/client.ts";

describe(`health endpoints over HTTP (${databaseKind})`, () => {
  let database: Database;
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    database = await openTestDatabase();
    server = await startTestServer(database);
    url = server.url;
  });
  afterAll(async () => {
    await server.close();
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
    const server = await startTestServer(database);
    const { url } = server;
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
      await server.close();
    }
  });
});
