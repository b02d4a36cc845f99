// Findings of the spec-driven fuzzer (fuzz.test.ts), kept as explicit cases: each request built by
// hand and judged as the fuzzer judges it.
import { describe, expect, it } from "vitest";
import { databaseKind, startTestServer, testConfig } from "../helpers.ts";
import { createResponseChecker, operationsOf } from "../openapi-document.ts";
import { judge } from "./fuzz-judge.ts";
import {
  BODY_LIMIT,
  type Draft,
  type FuzzRequest,
  type FuzzUser,
  json,
  otherOf,
  send,
  useFuzzServer,
} from "./fuzz-requests.ts";
import { findLeaks } from "./leaks.ts";

const fuzz = useFuzzServer();

describe(`the spec-driven fuzzer's findings (${databaseKind})`, () => {
  /** One request built by hand, judged as the fuzzer judges (status left to the case). */
  async function call(
    user: FuzzUser,
    operationId: string,
    init: Partial<Pick<Draft, "pathParams" | "query" | "headers" | "auth" | "chunked">> & {
      body?: unknown;
      raw?: { bytes: Buffer; contentType?: string };
    } = {},
    baseUrl = fuzz.url,
  ) {
    const op = operationsOf(fuzz.doc).find((o) => o.id === operationId);
    if (!op) throw new Error(`no operation ${operationId} in the document`);
    const request: FuzzRequest = {
      op,
      as: user,
      auth: init.auth ?? "bearer",
      pathParams: { user_id: "me", ...init.pathParams },
      query: init.query ?? [],
      headers: init.headers ?? {},
      ...(init.chunked ? { chunked: true } : {}),
      ...(init.raw ? { body: init.raw } : init.body === undefined ? {} : { body: json(init.body) }),
      kind: "odd",
      why: "explicit",
    };
    const sent = await send(new URL(baseUrl), request);
    const problems = judge(
      request,
      sent,
      createResponseChecker(fuzz.doc),
      otherOf(fuzz.users, user),
    );
    return {
      status: sent.status,
      body: sent.body ? (JSON.parse(sent.body) as unknown) : undefined,
      problems,
    };
  }

  it("stores a due_at given at any RFC 3339 offset as UTC, and refuses instants outside years 1-9999 with 422", async () => {
    const [user] = fuzz.users;
    // Postgres refuses offsets past ±15:59 and the year 0: these were 500s.
    for (const [given, stored] of [
      ["2030-01-01T00:00:00-23:59", "2030-01-01T23:59:00Z"],
      ["2030-01-01T00:00:00+16:00", "2029-12-31T08:00:00Z"],
      ["2030-06-15T12:00:00.123456+05:30", "2030-06-15T06:30:00.123456Z"],
      ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"],
      ["9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z"],
    ]) {
      const created = await call(user, "createTask", {
        body: { title: `${user.marker} due`, due_at: given },
      });
      expect(created.problems, given).toEqual([]);
      expect(created.status, given).toBe(201);
      expect((created.body as { due_at: string }).due_at, given).toBe(stored);
      const id = String((created.body as { id: number }).id);
      const changed = await call(user, "updateTask", {
        pathParams: { id },
        body: { due_at: given },
      });
      expect([changed.status, changed.problems], given).toEqual([200, []]);
    }
    for (const given of [
      "0000-01-01T00:00:00Z",
      "0001-01-01T00:00:00+23:59",
      "9999-12-31T23:59:59-23:59",
    ]) {
      const refused = await call(user, "createTask", {
        body: { title: `${user.marker} due`, due_at: given },
      });
      expect([refused.status, refused.problems], given).toEqual([422, []]);
    }
  });

  it("declares a task's position as any number, as clients may set it", async () => {
    const [user] = fuzz.users;
    for (const position of [1e300, -1.7976931348623157e308, 2 ** 53]) {
      const created = await call(user, "createTask", {
        body: { title: `${user.marker} far`, position },
      });
      expect([created.status, created.problems], String(position)).toEqual([201, []]);
    }
  });

  it("declares on every /api operation the 413, 415 and 429 that the API's middleware answers", async () => {
    const [, user] = fuzz.users;
    const apiOperations = operationsOf(fuzz.doc).filter(
      (op) => op.secured && op.path.startsWith("/api/"),
    );
    const limited = await startTestServer(fuzz.database, testConfig({ API_RATE_LIMIT_MAX: 1 }));
    try {
      await call(user, "getMe", {}, limited.url); // the one request of the budget
      for (const op of apiOperations) {
        const pathParams = { user_id: "me", id: "1" };
        const big = { bytes: Buffer.alloc(BODY_LIMIT + 1, " "), contentType: "application/json" };
        const text = { bytes: Buffer.from("hello"), contentType: "text/plain" };
        for (const [raw, status] of [
          [big, 413],
          [text, 415],
        ] as const) {
          const refused = await call(user, op.id, { pathParams, raw });
          expect([refused.status, refused.problems], `${op.id} → ${status}`).toEqual([status, []]);
        }
        const limitedCall = await call(user, op.id, { pathParams }, limited.url);
        expect([limitedCall.status, limitedCall.problems], `${op.id} → 429`).toEqual([429, []]);
      }
    } finally {
      await limited.close();
    }
  });

  it("refuses NUL in the q and tag filters with 422 (Postgres text cannot hold it)", async () => {
    const [user] = fuzz.users;
    for (const [name, value] of [
      ["q", "a\u0000b"],
      ["tag", "\u0000"],
    ]) {
      const listed = await call(user, "listTasks", { query: [[name as string, value as string]] });
      expect([listed.status, listed.problems], name).toEqual([422, []]);
    }
  });

  it("the leak checks catch what they look for (so a quiet run means something)", () => {
    const [me, other] = fuzz.users;
    const secrets = {
      forbidden: [
        { label: "the other user's marker", text: other.marker },
        { label: "the other user's email", text: other.email },
      ],
    };
    const leaks = (body: string) => findLeaks({ headers: {}, body }, secrets);
    expect(
      leaks(JSON.stringify({ title: `${me.marker} mine`, description: "select * from x where y" })),
    ).toEqual([]);
    expect(leaks(JSON.stringify({ detail: `hi ${other.email}` }))).toContain(
      "contains the other user's email",
    );
    expect(leaks(JSON.stringify({ title: `${other.marker} theirs` }))).toContain(
      "contains the other user's marker",
    );
    expect(
      leaks(
        JSON.stringify({
          detail: "Error: boom\n    at handler (/app/src/tasks/tasks.service.ts:42:7)",
        }),
      ).length,
    ).toBeGreaterThan(0);
    expect(
      leaks(
        JSON.stringify({ detail: 'Failed query: select "id" from "tasks" where "user_id" = $1' }),
      ).length,
    ).toBeGreaterThan(0);
    expect(
      leaks(
        JSON.stringify({
          detail: 'duplicate key value violates unique constraint "users_email_key"',
        }),
      ).length,
    ).toBeGreaterThan(0);
    expect(leaks(JSON.stringify({ p: `${"ab".repeat(16)}:${"cd".repeat(64)}` }))).toContain(
      "contains a password hash",
    );
    expect(leaks(JSON.stringify({ t: me.token }))).toContain("contains a JWT");
  });
});
