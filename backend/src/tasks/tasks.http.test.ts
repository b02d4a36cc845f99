// The tasks API's answers at the HTTP level: error responses (problem+json) and the headers of
// every response (security headers, CORS).
import { beforeAll, describe, expect, it } from "vitest";
import { APP_ORIGIN, databaseKind } from "../../test/helpers.ts";
import type { Task } from "../db/schema.ts";
import {
  type ApiUser,
  expectInvalid,
  expectProblem,
  TASKS,
  useTasksApi,
} from "./tasks.test-helpers.ts";

const { app, useUser } = useTasksApi();

describe(`error responses (${databaseKind})`, () => {
  const user = useUser();

  const post = (
    body: RequestInit["body"],
    headers: Record<string, string>,
    extra: RequestInit = {},
  ) =>
    fetch(`${app.server.url}${TASKS}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${user.token}`, ...headers },
      body,
      ...extra,
    });

  /** A JSON body of about `size` bytes, streamed in 8 KB chunks (chunked: no Content-Length). */
  const chunked = (size: number) => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ title: "big", description: "d".repeat(Math.max(0, size - 40)) }),
    );
    let offset = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(offset, offset + 8192));
        offset += 8192;
      },
    });
  };

  it("malformed JSON is 400", async () => {
    await expectProblem(await post('{"title": "x"', { "Content-Type": "application/json" }), 400);
  });

  it("a body that is not JSON is 415", async () => {
    await expectProblem(await post('{"title": "x"}', { "Content-Type": "text/plain" }), 415);
    // Not a JSON type Hono would parse, though it ends in +json.
    await expectProblem(
      await post('{"title": "x"}', { "Content-Type": "application/a+b+json" }),
      415,
    );
    await expectProblem(
      await post("title=x", { "Content-Type": "application/x-www-form-urlencoded" }),
      415,
    );
  });

  it("a body over 64 KB with a Content-Length is 413", async () => {
    const body = JSON.stringify({ title: "big", description: "d".repeat(70_000) });
    await expectProblem(await post(body, { "Content-Type": "application/json" }), 413);
  });

  it("a chunked body over 64 KB with no Content-Length is 413; a small chunked body is fine", async () => {
    const big = await post(
      chunked(70_000),
      { "Content-Type": "application/json" },
      {
        duplex: "half",
      },
    );
    await expectProblem(big, 413);
    const small = await post(
      chunked(10_000),
      { "Content-Type": "application/json" },
      {
        duplex: "half",
      },
    );
    // The description is over 5000 characters: the body got through to validation.
    await expectInvalid(small, "description");
    const ok = await post(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"title":"streamed"}'));
          controller.close();
        },
      }),
      { "Content-Type": "application/json" },
      { duplex: "half" },
    );
    expect(ok.status).toBe(201);
  });

  it("an unknown route is 404", async () => {
    await expectProblem(await user.send("GET", "/api/me/nothing-here"), 404);
    await expectProblem(await fetch(`${app.server.url}/no/such/page`), 404);
  });

  it("a wrong method is 405 with Allow", async () => {
    const list = await user.send("DELETE", TASKS);
    const allow = list.headers.get("allow")?.split(/,\s*/) ?? [];
    await expectProblem(list, 405);
    expect(allow).toEqual(expect.arrayContaining(["GET", "POST"]));
    expect(allow).not.toContain("DELETE");

    const one = await user.send("POST", `${TASKS}/1`, { title: "t" });
    const allowOne = one.headers.get("allow")?.split(/,\s*/) ?? [];
    await expectProblem(one, 405);
    expect(allowOne).toEqual(expect.arrayContaining(["GET", "PUT", "PATCH", "DELETE"]));
  });

  it("no credentials, or bad ones, is 401 with WWW-Authenticate", async () => {
    const none = await fetch(`${app.server.url}${TASKS}`);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    await expectProblem(none, 401);
    const created = await fetch(`${app.server.url}${TASKS}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ title: "anonymous" }),
    });
    await expectProblem(created, 401);
    const forged = await fetch(`${app.server.url}${TASKS}`, {
      headers: { Authorization: `Bearer ${user.token.slice(0, -4)}AAAA` },
    });
    expect(forged.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    await expectProblem(forged, 401);
  });
});

describe(`response headers (${databaseKind})`, () => {
  const user = useUser();
  let task: Task;
  beforeAll(async () => {
    task = await user.create({ title: "headers" });
  });

  const responses: [string, (u: ApiUser, t: Task) => Promise<Response>][] = [
    ["200 list", (u) => u.call("GET", TASKS)],
    ["201 create", (u) => u.call("POST", TASKS, { title: "h" })],
    [
      "304 not modified",
      (u, t) => u.call("GET", `${TASKS}/${t.id}`, undefined, { "If-None-Match": `"${t.version}"` }),
    ],
    [
      "204 delete",
      async (u) => u.call("DELETE", `${TASKS}/${(await u.create({ title: "d" })).id}`),
    ],
    ["401 no credentials", () => fetch(`${app.server.url}${TASKS}`)],
    ["404 no such task", (u) => u.call("GET", `${TASKS}/2147483647`)],
    ["405 wrong method", (u) => u.send("DELETE", TASKS)],
    [
      "415 not JSON",
      (u) =>
        fetch(`${app.server.url}${TASKS}`, {
          method: "POST",
          headers: { Authorization: `Bearer ${u.token}`, "Content-Type": "text/plain" },
          body: "title",
        }),
    ],
    ["422 invalid", (u) => u.call("POST", TASKS, { title: "" })],
    ["200 health", () => fetch(`${app.server.url}/healthz`)],
  ];

  it.each(responses)("%s has nosniff, DENY, a referrer policy and no HSTS", async (_, send) => {
    const response = await send(user, task);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("referrer-policy")).toBeTruthy();
    expect(response.headers.get("strict-transport-security")).toBeNull();
    await response.arrayBuffer();
  });

  it("a CORS preflight from the app's origin is allowed, with credentials", async () => {
    const response = await fetch(`${app.server.url}${TASKS}`, {
      method: "OPTIONS",
      headers: {
        Origin: APP_ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization, idempotency-key",
      },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("a CORS preflight from another origin gets no Access-Control-Allow-Origin", async () => {
    const response = await fetch(`${app.server.url}${TASKS}`, {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "DELETE" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const simple = await user.call("GET", TASKS, undefined, { Origin: "https://evil.example" });
    expect(simple.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("a cross-origin call from the app exposes ETag and Location", async () => {
    const response = await user.call("POST", TASKS, { title: "cors" }, { Origin: APP_ORIGIN });
    expect(response.status).toBe(201);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    const exposed = response.headers.get("access-control-expose-headers")?.toLowerCase() ?? "";
    expect(exposed).toContain("etag");
    expect(exposed).toContain("location");
    expect(response.headers.get("vary")).toContain("Origin");
  });
});
