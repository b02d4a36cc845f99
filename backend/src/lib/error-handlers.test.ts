// The request deadline, as the app sets it (hono/timeout answered by deadlinePassed and
// errorHandler): a handler that never finishes still gets the client an answer in time.
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { timeout } from "hono/timeout";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { deadlinePassed, errorHandler } from "./error-handlers.ts";
import type { AppEnv } from "./hono-env.ts";

describe("the request deadline", () => {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(timeout(100, deadlinePassed));
  app.get("/slow", () => new Promise<Response>(() => {})); // a query that never returns
  app.get("/fast", (c) => c.text("ok"));
  app.get("/fails", () => {
    throw new Error("boom");
  });
  app.onError(errorHandler(pino({ level: "silent" })));

  it("answers 503 problem+json with Retry-After at the deadline when the handler hangs", async () => {
    const started = performance.now();
    const response = await app.request("/slow");
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toEqual({
      type: "about:blank",
      title: "Service Unavailable",
      status: 503,
      detail: "No answer from the database in time; try again in a few seconds.",
      request_id: response.headers.get("x-request-id"),
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("leaves answers made in time alone, errors included", async () => {
    expect(await (await app.request("/fast")).text()).toBe("ok");
    const failed = await app.request("/fails");
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { detail: string }).detail).toBe(
      "Something went wrong on our side.",
    );
  });
});
