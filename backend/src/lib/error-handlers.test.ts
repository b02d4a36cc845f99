// The request deadline: a handler that never finishes still gets the client an answer in time.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "./hono-env.ts";
import { requestDeadline } from "./http-guards.ts";

describe("requestDeadline", () => {
  const app = new Hono<AppEnv>();
  app.use(requestDeadline(100, (c) => c.text("late", 503)));
  app.get("/slow", () => new Promise<Response>(() => {})); // a query that never returns
  app.get("/fast", (c) => c.text("ok"));
  app.get("/fails", () => {
    throw new Error("boom");
  });
  app.onError((_, c) => c.text("failed", 500));

  it("answers 503 at the deadline when the handler hangs", async () => {
    const started = performance.now();
    const response = await app.request("/slow");
    expect(response.status).toBe(503);
    expect(await response.text()).toBe("late");
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("leaves answers made in time alone, errors included", async () => {
    expect(await (await app.request("/fast")).text()).toBe("ok");
    expect((await app.request("/fails")).status).toBe(500);
  });
});
