// Errors reach the log without the user data database drivers attach to them (issue 13): Drizzle's
// `params` (and its message, which repeats them), the driver's `detail` ("Failing row contains …")
// and values quoted in driver messages. The failures are real: a query Postgres refuses, and
// constraints the tests add for one marker string, so nothing but these requests trips them.
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Browser } from "../../test/browser.ts";
import {
  captureLogger,
  databaseKind,
  testConfig,
  uniqueEmail,
  useTestServer,
} from "../../test/helpers.ts";

const log = captureLogger();
const app = useTestServer(testConfig(), log.logger);
/** In every value these tests send: it must never reach the log. */
const marker = `secret${randomBytes(6).toString("hex")}`;
const constraints = {
  tasks: `test_no_marker_title_${randomBytes(4).toString("hex")}`,
  users: `test_no_marker_name_${randomBytes(4).toString("hex")}`,
};

beforeAll(async () => {
  // NOT VALID: existing rows are not scanned; every new or changed row is checked.
  await app.database.db.execute(
    sql.raw(
      `alter table tasks add constraint ${constraints.tasks} check (title <> '${marker}') not valid`,
    ),
  );
  await app.database.db.execute(
    sql.raw(
      `alter table users add constraint ${constraints.users} check (name <> '${marker}') not valid`,
    ),
  );
});
afterAll(async () => {
  for (const [table, name] of Object.entries(constraints)) {
    await app.database.db.execute(
      sql.raw(`alter table ${table} drop constraint if exists ${name}`),
    );
  }
});

async function signedUp() {
  const browser = new Browser(app.server.url);
  expect((await browser.signUp(uniqueEmail("log"))).status).toBe(200);
  return browser;
}

/** The error-level lines logged since `from`. */
const errorsSince = (from: number) => log.lines.slice(from).filter((line) => line.level === 50);

describe(`errors in the log (${databaseKind})`, () => {
  it("a failed query in a task route is logged with its SQL and constraint, none of its values", async () => {
    const browser = await signedUp();
    const { token } = (await (await browser.get("/api/auth/token")).json()) as { token: string };
    const from = log.lines.length;
    const response = await fetch(`${app.server.url}/api/me/tasks`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ title: marker, description: `${marker} description` }),
    });
    expect(response.status).toBe(500);
    const [line, ...more] = errorsSince(from);
    expect(more).toEqual([]);
    const err = (line?.err ?? {}) as {
      message?: string;
      query?: string;
      cause?: { constraint?: string };
    };
    expect(err.message).toMatch(
      /^Failed query: [^\n]*insert into "tasks"[\s\S]*\nparams: \[redacted\]$/,
    );
    expect(err.query).toMatch(/insert into "tasks"/);
    expect(err.cause?.constraint).toBe(constraints.tasks);
    expect(JSON.stringify(log.lines.slice(from))).not.toContain(marker);
  });

  it("a failed query in Better Auth is one problem+json 500 and one log line without its values, never console.error", async () => {
    const browser = await signedUp();
    const printed = vi.spyOn(console, "error");
    try {
      const from = log.lines.length;
      const response = await browser.post("/api/auth/update-user", { name: marker });
      expect(response.status).toBe(500);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const [line, ...more] = errorsSince(from);
      expect(more).toEqual([]);
      expect(line?.msg).toBe("unhandled error");
      expect((line?.err as { query?: string } | undefined)?.query).toMatch(/^update "users"/);
      expect(JSON.stringify(log.lines.slice(from))).not.toContain(marker);
      // better-call prints an error Better Auth did not handle, parameters and all.
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
  });

  it("Better Auth's own error lines lose the values too (a failed sign-up)", async () => {
    const from = log.lines.length;
    const email = uniqueEmail("log");
    const response = await new Browser(app.server.url).signUp(email, undefined, marker);
    expect(response.status).toBe(422); // Better Auth: FAILED_TO_CREATE_USER
    const [line] = errorsSince(from);
    expect(line?.msg).toBe("better-auth: Failed to create user");
    expect(JSON.stringify(line)).toContain(constraints.users);
    expect(JSON.stringify(log.lines.slice(from))).not.toContain(marker);
  });

  it("drops the value a driver message quotes, keeping the message", async () => {
    const failure = await app.database.db.execute(sql`select ${marker}::int`).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    const from = log.lines.length;
    log.logger.error({ err: failure, more: [{ nested: failure }] }, "failed");
    log.logger.error(failure as Error);
    const lines = log.lines.slice(from);
    expect(JSON.stringify(lines)).not.toContain(marker);
    const err = lines[0]?.err as { cause: { message: string; code: string } };
    expect(err.cause).toMatchObject({
      message: 'invalid input syntax for type integer: "[redacted]"',
      code: "22P02",
    });
    expect(lines[1]?.msg).toMatch(/^Failed query: select \$1::int\nparams: \[redacted\]$/);
  });
});
