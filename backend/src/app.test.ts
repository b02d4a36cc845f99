import { describe, expect, it } from "vitest";
import { Browser } from "../test/browser.ts";
import { expectMatchesContract } from "../test/contract.ts";
import {
  captureLogger,
  databaseKind,
  openTestDatabase,
  startTestServer,
  testConfig,
  uniqueEmail,
  useTestServer,
} from "../test/helpers.ts";

describe(`health endpoints over HTTP (${databaseKind})`, () => {
  const app = useTestServer();

  it("GET /healthz says the process is up", async () => {
    const response = await fetch(`${app.server.url}/healthz`);
    expect(response.status).toBe(200);
    await expectMatchesContract("GET", `${app.server.url}/healthz`, response);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("GET /readyz runs a query and names the driver", async () => {
    const response = await fetch(`${app.server.url}/readyz`);
    expect(response.status).toBe(200);
    await expectMatchesContract("GET", `${app.server.url}/readyz`, response);
    expect(await response.json()).toEqual({ status: "ok", database: app.database.driver });
  });

  it("answers an unknown route with a problem+json 404 carrying the request id", async () => {
    const response = await fetch(`${app.server.url}/no/such/route`);
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
      await expectMatchesContract("GET", `${url}/readyz`, response);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        status: 503,
        title: "Service Unavailable",
        detail: "The database is not reachable just now; try again in a few seconds.",
      });
      expect(response.headers.get("retry-after")).toBe("5");
      expect(Object.keys(body).sort()).toEqual(["detail", "request_id", "status", "title", "type"]);
      // The process itself is still up.
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe(`failures and the request log (${databaseKind})`, () => {
  it("a 500 says only that something failed, with a request id that leads to the logged error", async () => {
    const database = await openTestDatabase();
    const log = captureLogger();
    const server = await startTestServer(database, testConfig(), log.logger);
    try {
      const browser = new Browser(server.url);
      await browser.signUp(uniqueEmail("fail"));
      const { token } = (await (await browser.get("/api/auth/token")).json()) as { token: string };
      const list = () =>
        fetch(`${server.url}/api/me/tasks`, { headers: { Authorization: `Bearer ${token}` } });
      expect((await list()).status).toBe(200); // the JWT keys are cached from here on

      await database.close(); // the database fails under the next request
      const response = await list();
      expect(response.status).toBe(500);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toEqual({
        type: "about:blank",
        title: "Internal Server Error",
        status: 500,
        detail: "Something went wrong on our side.",
        request_id: response.headers.get("x-request-id"),
      });
      const logged = log.lines.find(
        (line) => line.requestId === body.request_id && line.level === 50,
      );
      expect(logged?.msg).toBe("unhandled error");
      expect(logged?.err).toBeDefined(); // the cause is in the log, not in the response

      // One line per request: method, route pattern, status, duration, request id; no token.
      const requests = log.lines.filter(
        (line) => line.msg === "request" && line.route === "/api/:user_id/tasks",
      );
      expect(requests.map((line) => line.status)).toEqual([200, 500]);
      for (const line of requests) {
        expect(Object.keys(line)).toEqual(
          expect.arrayContaining(["method", "route", "status", "ms", "requestId"]),
        );
      }
      expect(log.text()).not.toContain(token);
    } finally {
      await server.close();
    }
  });
});

describe(`security headers (${databaseKind})`, () => {
  it("sends HSTS for a year in production, and not in development", async () => {
    const database = await openTestDatabase();
    const production = await startTestServer(database, testConfig({ NODE_ENV: "production" }));
    const development = await startTestServer(database, testConfig({ NODE_ENV: "development" }));
    try {
      const secure = await fetch(`${production.url}/healthz`);
      expect(secure.headers.get("strict-transport-security")).toBe(
        "max-age=31536000; includeSubDomains",
      );
      expect(secure.headers.get("x-content-type-options")).toBe("nosniff");
      expect(secure.headers.get("x-frame-options")).toBe("DENY");
      const plain = await fetch(`${development.url}/healthz`);
      expect(plain.headers.get("strict-transport-security")).toBeNull();
    } finally {
      await production.close();
      await development.close();
      await database.close();
    }
  });
});
