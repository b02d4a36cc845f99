// Proves that baseline-raw (server.ts here) answers like our API and sends it the same SQL. Starts
// our backend and the baseline on one throw-away database, sends both the same requests, and
// compares status, Content-Type, ETag, Location, WWW-Authenticate, the body's bytes (the random
// request_id aside) and every SQL statement each sent for the request (name, text, parameters),
// caught by a small preload that wraps pg's Client#query in both processes.
//
// Reads return the same rows from both, so they must match byte for byte. Writes cannot: a create
// makes a new row on each (id, position, timestamps are compared by shape), and a completion change
// is replayed on the same row after restoring it (updated_at, and a newly set completed_at, by shape).
//
//   node --import tsx bench/baseline-raw/check.ts     (BENCH_DATABASE_URL: default local Postgres)
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import pg from "pg";
import { signUpForToken } from "../check-account.ts";
import { withThrowawayDatabase } from "../throwaway-database.ts";

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const ISSUER = "http://localhost:8000";
const SECRET = randomBytes(32).toString("hex");
const root = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "baseline-raw-check-"));

// Logs every statement a process sends, one JSON line each, to the file in SQL_LOG.
const preload = join(work, "log-sql.mjs");
writeFileSync(
  preload,
  `import { appendFileSync } from "node:fs";
import pg from ${JSON.stringify(import.meta.resolve("pg"))};
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, callback) {
  if (config && typeof config === "object" && typeof config.text === "string")
    appendFileSync(process.env.SQL_LOG, JSON.stringify({ name: config.name, text: config.text, values: values ?? config.values, rowMode: config.rowMode }) + "\\n");
  return query.call(this, config, values, callback);
};
`,
);

interface Server {
  label: string;
  base: string;
  process: ChildProcess;
  sqlLog: string;
  logged: number;
  output: string;
}
interface Reply {
  status: number;
  headers: Headers;
  body: string;
  sql: string[];
}

function start(label: string, args: string[], cwd: string, env: Record<string, string>): Server {
  const sqlLog = join(work, `${label}.sql.jsonl`);
  writeFileSync(sqlLog, "");
  const child = spawn(process.execPath, ["--import", "tsx", "--import", preload, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", SQL_LOG: sqlLog, ...env },
  });
  const server: Server = { label, base: "", process: child, sqlLog, logged: 0, output: "" };
  child.stdout?.on("data", (chunk) => {
    server.output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    server.output += chunk;
  });
  return server;
}

/** Waits for the server's port: from `listening on` on stdout, or else from `ss`. */
async function ready(server: Server) {
  const started = Date.now();
  while (!server.base) {
    if (server.process.exitCode !== null)
      throw new Error(`${server.label} exited:\n${server.output}`);
    if (Date.now() - started > 60_000) throw new Error(`${server.label} did not start`);
    const port =
      /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(server.output)?.[1] ??
      execFileSync("ss", ["-ltnpH"], { encoding: "utf8" })
        .split("\n")
        .filter((line) => line.includes(`pid=${server.process.pid},`))
        .map((line) => /127\.0\.0\.1:(\d+)/.exec(line)?.[1])
        .find(Boolean);
    if (port) server.base = `http://127.0.0.1:${port}`;
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(server: Server): Promise<number | null> {
  if (server.process.exitCode !== null) return server.process.exitCode;
  const exited = new Promise<number | null>((resolve) => server.process.once("exit", resolve));
  server.process.kill("SIGTERM");
  return exited;
}

/** The statements logged since the last call, but the key loading (ours loads keys lazily). */
function newStatements(server: Server): string[] {
  const lines = readFileSync(server.sqlLog, "utf8").split("\n").filter(Boolean);
  const fresh = lines.slice(server.logged);
  server.logged = lines.length;
  return fresh.filter((line) => !line.includes('\\"jwks\\"') && !/\bjwks\b/.test(line));
}

let token = "";
interface Request {
  method?: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  auth?: string | null; // an Authorization header; null: none; default: the bearer JWT
  chunked?: boolean; // send the body as a stream: no Content-Length
}

async function send(server: Server, request: Request): Promise<Reply> {
  newStatements(server);
  const headers: Record<string, string> = { ...request.headers };
  const auth = request.auth === undefined ? `Bearer ${token}` : request.auth;
  if (auth !== null) headers.Authorization = auth;
  if (request.body !== undefined && !Object.keys(headers).some((h) => /content-type/i.test(h)))
    headers["Content-Type"] = "application/json";
  const body = request.chunked ? new Blob([request.body ?? ""]).stream() : request.body;
  const response = await fetch(`${server.base}${request.path}`, {
    method: request.method ?? "GET",
    headers,
    ...(body !== undefined ? { body, duplex: "half" } : {}),
  } as RequestInit);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text,
    sql: newStatements(server),
  };
}

// ---- Comparison ----

const results: { label: string; failures: string[] }[] = [];
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/;
const REQUEST_ID = /"request_id":"[0-9a-f-]{36}"/;

/** Replaces the values of these JSON fields (whose shape is checked) with a mark. */
function mask(body: string, fields: string[], failures: string[], who: string): string {
  let masked = body;
  for (const field of fields) {
    masked = masked.replace(
      new RegExp(`"${field}":("[^"]*"|[-\\d.e+]+)`, "g"),
      (_, value: string) => {
        const ok = field.endsWith("_at")
          ? TIMESTAMP.test(JSON.parse(value))
          : /^\d+(\.\d+)?$/.test(value);
        if (!ok) failures.push(`${who}: ${field} is ${value}`);
        return `"${field}":"<${field}>"`;
      },
    );
  }
  return masked;
}

const UNCOMPARED_HEADERS = new Set([
  "date",
  "x-request-id",
  "connection",
  "keep-alive",
  "content-length",
  "transfer-encoding",
]);

function compare(label: string, ours: Reply, base: Reply, maskFields: string[] = []) {
  const failures: string[] = [];
  const same = (what: string, a: unknown, b: unknown) => {
    const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
    if (a !== b)
      failures.push(`${what}:\n          ours:     ${show(a)}\n          baseline: ${show(b)}`);
  };
  same("status", ours.status, base.status);
  // Every header but those that differ by nature (date, request id, connection).
  const headerNames = (r: Reply) =>
    [...r.headers.keys()].filter((h) => !UNCOMPARED_HEADERS.has(h)).sort();
  same("header names", headerNames(ours).join(", "), headerNames(base).join(", "));
  for (const header of headerNames(ours))
    if (header !== "location") same(header, ours.headers.get(header), base.headers.get(header));
  const location = (r: Reply) =>
    maskFields.includes("id")
      ? r.headers.get("location")?.replace(/\d+$/, "<id>")
      : r.headers.get("location");
  same("location", location(ours), location(base));
  same("has X-Request-Id", ours.headers.has("x-request-id"), base.headers.has("x-request-id"));
  const body = (r: Reply, who: string) =>
    mask(r.body.replace(REQUEST_ID, '"request_id":"<uuid>"'), maskFields, failures, who);
  same("body", body(ours, "ours"), body(base, "baseline"));
  same("statements sent", ours.sql.length, base.sql.length);
  ours.sql.forEach((statement, i) => {
    same(`SQL #${i + 1}`, statement, base.sql[i]);
  });
  results.push({ label, failures });
  console.log(
    `${failures.length ? "FAIL" : "pass"}  ${label}${failures.map((f) => `\n        ${f}`).join("")}`,
  );
}

// ---- The run ----

const TASK_BODIES = (i: number) => {
  const offsets = ["Z", "+01:00", "-05:30", "+14:00"];
  const body: Record<string, unknown> = { title: `Task ${i}${i % 7 === 0 ? " buy milk" : ""}` };
  if (i % 2 === 0)
    body.description = i % 5 === 0 ? `Notes\nabout 50% of "${i}" and MILK` : `notes ${i}`;
  if (i % 3 !== 0) body.priority = ["none", "low", "medium", "high"][i % 4];
  if (i % 4 !== 1)
    body.due_at = `2026-${String((i % 12) + 1).padStart(2, "0")}-1${i % 10}T0${i % 10}:30:00${i % 3 ? ".25" : ""}${offsets[i % 4]}`;
  if (i % 5 === 3) body.due_at = null;
  if (i % 3 === 1) body.tags = i % 2 ? ["home", " work ", "home"] : ["work"];
  if (i % 11 === 4) body.is_completed = true;
  return body;
};

await withThrowawayDatabase(SERVER_URL, async (url) => {
  const ours = start("ours", ["src/server.ts"], join(root, "backend"), {
    NODE_ENV: "production",
    BETTER_AUTH_SECRET: SECRET,
    BETTER_AUTH_URL: ISSUER,
    DATABASE_URL: url,
    PORT: "0",
    LOG_LEVEL: "warn",
    API_RATE_LIMIT_MAX: "1000000",
  });
  let baseline: Server | undefined;
  const db = new pg.Client({ connectionString: url });
  try {
    await ready(ours);
    let userId: string;
    ({ token, userId } = await signUpForToken(ours.base));

    baseline = start("baseline", ["bench/baseline-raw/server.ts"], root, {
      NODE_ENV: "production",
      DATABASE_URL: url,
      PORT: "0",
      JWT_ISSUER: ISSUER,
      CURSOR_SECRET: SECRET,
    });
    await ready(baseline);
    const base = baseline;
    await db.connect();

    /** The same request to both servers, compared. */
    const both = async (label: string, request: Request) =>
      compare(label, await send(ours, request), await send(base, request));

    // Someone else's task, to show each server keeps to the caller's.
    const other = await db.query<{ id: number }>(
      `with u as (insert into users (name, email) values ('other', 'other@example.test') returning id)
       insert into tasks (user_id, title, description) select id, 'Not yours: milk', '' from u returning id`,
    );
    const othersTask = other.rows[0]?.id;

    await both("GET /healthz", { path: "/healthz", auth: null });

    // Creates: one new row on each server; id, position and timestamps compared by shape.
    const createBodies: [string, unknown][] = [
      ["title only", { title: "Buy milk" }],
      ["title trimmed", { title: "  Call mum \t" }],
      [
        "every field",
        {
          title: "Pay rent",
          description: 'before the 5th\n\tsee "bank"',
          priority: "high",
          due_at: "2026-12-01T18:00:00+01:00",
          tags: [" home", "money", "home"],
        },
      ],
      [
        "completed, explicit position",
        { title: "Done already", is_completed: true, position: 42.5 },
      ],
      [
        "explicit false / null / empty",
        { title: "Nulls", is_completed: false, due_at: null, tags: [], description: "" },
      ],
      [
        "tags that need quoting",
        { title: "Quotes", tags: ['say "hi"', "back\\slash", "a,b", "{x}", "NULL"] },
      ],
      [
        "200 emoji (400 UTF-16 units), tag of 32",
        { title: "🚀".repeat(200), tags: ["😀".repeat(32)] },
      ],
      [
        "unicode",
        {
          title: "Café ☕ 日本",
          description: "ünïcödé 🚀",
          due_at: "2024-02-29T23:59:59.123456-00:44",
        },
      ],
    ];
    for (const [label, body] of createBodies) {
      const request = { method: "POST", path: "/api/me/tasks", body: JSON.stringify(body) };
      const fields = ["id", "position", "created_at", "updated_at"];
      if ((body as { is_completed?: boolean }).is_completed) fields.push("completed_at");
      compare(
        `POST create: ${label}`,
        await send(ours, request),
        await send(base, request),
        fields,
      );
    }
    compare(
      "POST create on /api/<own id>/tasks",
      await send(ours, {
        method: "POST",
        path: `/api/${userId}/tasks`,
        body: '{"title":"own id"}',
      }),
      await send(base, {
        method: "POST",
        path: `/api/${userId}/tasks`,
        body: '{"title":"own id"}',
      }),
      ["id", "position", "created_at", "updated_at"],
    );

    // 60 more, on ours only: the rows every read below returns from both.
    for (let i = 1; i <= 60; i++) {
      const created = await send(ours, {
        method: "POST",
        path: "/api/me/tasks",
        body: JSON.stringify(TASK_BODIES(i)),
      });
      if (created.status !== 201) throw new Error(`create ${i}: ${created.status} ${created.body}`);
    }

    // Reads: every page of each query, following ours' cursor on both.
    const queries = [
      "",
      "?limit=50",
      "?status=pending",
      "?status=completed&limit=7",
      "?q=milk",
      "?q=%20MILK%20&status=pending&limit=3",
      "?q=50%25",
      "?q=task_",
      "?sort=-created&limit=13",
      "?sort=due&limit=9",
      "?sort=-due&status=pending&limit=20",
      "?sort=priority&limit=11",
      "?sort=-priority&limit=30",
      "?sort=title&limit=17",
      "?sort=-title&limit=40",
      "?sort=position&limit=20",
      "?tag=home&limit=5",
      "?priority=high",
      "?tag=work&priority=low&status=pending&q=task",
      "?tz=Europe/Paris&limit=25",
      "?limit=1&sort=created&status=all",
      "?limit=100",
      "?q=nothing%20matches",
      "?cursor=",
      "?unknown=1&limit=30",
    ];
    for (const query of queries) {
      let path = `/api/me/tasks${query}`;
      for (let page = 1; path; page++) {
        const a = await send(ours, { path });
        const b = await send(base, { path });
        compare(`GET ${path.slice(0, 110)}${path.length > 110 ? "…" : ""} (page ${page})`, a, b);
        const next =
          a.status === 200
            ? (JSON.parse(a.body) as { next_cursor: string | null }).next_cursor
            : null;
        path = next
          ? `/api/me/tasks${query}${query ? "&" : "?"}cursor=${encodeURIComponent(next)}`
          : "";
      }
    }
    await both("GET /api/<own id>/tasks", { path: `/api/${userId}/tasks?limit=10` });

    // List errors.
    const page1 = JSON.parse((await send(ours, { path: "/api/me/tasks?limit=5" })).body) as {
      next_cursor: string;
    };
    const wrong: [string, string][] = [
      ["cursor of another query", `?limit=5&status=pending&cursor=${page1.next_cursor}`],
      ["cursor tampered", `?limit=5&cursor=${page1.next_cursor.slice(0, -2)}AA`],
      ["cursor garbage", "?cursor=abc.def"],
      ["cursor too long", `?cursor=${"a".repeat(2001)}`],
      ["limit 0, status, sort, blank q", "?limit=0&status=x&sort=y&q=%20%20"],
      ["limit 101", "?limit=101"],
      ["limit abc", "?limit=abc"],
      ["limit 1.5", "?limit=1.5"],
      ["limit 1e20", "?limit=1e20"],
      ["limit Infinity", "?limit=Infinity"],
      ["limit empty", "?limit="],
      ["repeated status and limit", "?status=all&status=pending&limit=1&limit=2"],
      ["bad priority, blank tag, long q", `?priority=urgent&tag=%20&q=${"x".repeat(201)}`],
      ["bad tz", "?tz=Mars/Olympus"],
    ];
    for (const [label, query] of wrong)
      await both(`GET list: ${label}`, { path: `/api/me/tasks${query}` });

    // Completion: ours first, then the row is put back as it was and the baseline does the same.
    const ids = (
      await db.query<{ id: number }>("select id from tasks where user_id = $1 order by id", [
        userId,
      ])
    ).rows.map((r) => r.id);
    const [t1, t2, t3] = [ids[3], ids[10], ids[20]] as [number, number, number];
    const completions: [string, number, string | undefined, Record<string, string>?][] = [
      ["toggle", t1, undefined],
      ["toggle back", t1, undefined],
      ["set true", t2, '{"is_completed":true}'],
      ["set true again (completed_at kept)", t2, '{"is_completed":true}'],
      ["set false", t2, '{"is_completed":false}'],
      ["set false when pending", t3, '{"is_completed":false}'],
      [
        "set true, charset=utf-8",
        t3,
        '{"is_completed":true}',
        { "Content-Type": "application/json; charset=utf-8" },
      ],
    ];
    for (const [label, id, body, headers] of completions) {
      const snapshot = (
        await db.query(
          "select is_completed, completed_at::text, version, updated_at::text from tasks where id = $1",
          [id],
        )
      ).rows[0] as {
        is_completed: boolean;
        completed_at: string | null;
        version: number;
        updated_at: string;
      };
      const request: Request = {
        method: "PATCH",
        path: `/api/me/tasks/${id}/complete`,
        ...(body ? { body } : {}),
        ...(headers ? { headers } : {}),
      };
      const a = await send(ours, request);
      const after = await db.query(
        "select is_completed, completed_at::text, version, updated_at::text from tasks where id = $1",
        [id],
      );
      await db.query(
        "update tasks set is_completed = $2, completed_at = $3::timestamptz, version = $4, updated_at = $5::timestamptz where id = $1",
        [id, snapshot.is_completed, snapshot.completed_at, snapshot.version, snapshot.updated_at],
      );
      const b = await send(base, request);
      compare(
        `PATCH complete: ${label}`,
        a,
        b,
        snapshot.completed_at ? ["updated_at"] : ["updated_at", "completed_at"],
      );
      // Leave ours' result in place, so the next step starts from it on both.
      const row = after.rows[0] as typeof snapshot;
      await db.query(
        "update tasks set is_completed = $2, completed_at = $3::timestamptz, version = $4, updated_at = $5::timestamptz where id = $1",
        [id, row.is_completed, row.completed_at, row.version, row.updated_at],
      );
    }
    const patch = (id: number | string, extra: Partial<Request> = {}): Request => ({
      method: "PATCH",
      path: `/api/me/tasks/${id}/complete`,
      ...extra,
    });
    await both("PATCH complete: no such task (404)", patch(999_999));
    await both(
      "PATCH complete: another user's task (404)",
      patch(othersTask as number, { body: '{"is_completed":true}' }),
    );
    await both("PATCH complete: id abc", patch("abc"));
    await both("PATCH complete: id 0", patch(0));
    await both("PATCH complete: id too big", patch(2_147_483_648));
    await both("PATCH complete: body {}", patch(t1, { body: "{}" }));
    await both(
      "PATCH complete: body with unknown key",
      patch(t1, { body: '{"is_completed":true,"y":2}' }),
    );
    await both(
      "PATCH complete: is_completed a string",
      patch(t1, { body: '{"is_completed":"yes"}' }),
    );
    await both("PATCH complete: body null", patch(t1, { body: "null" }));
    await both("PATCH complete: malformed JSON", patch(t1, { body: "{nope" }));
    await both("PATCH complete: JSON type, empty body", patch(t1, { body: "" }));
    await both(
      "PATCH complete: text/plain body",
      patch(t1, { body: "x", headers: { "Content-Type": "text/plain" } }),
    );
    await both("PATCH complete: someone else's path (403)", {
      ...patch(t1),
      path: `/api/${othersTask}/tasks/${t1}/complete`,
    });

    // Create errors.
    const badBodies: [string, string, Record<string, string>?][] = [
      ["{}", "{}"],
      ["blank title", '{"title":"   "}'],
      ["title 201 characters", JSON.stringify({ title: "x".repeat(201) })],
      ["title 201 emoji", JSON.stringify({ title: "🚀".repeat(201) })],
      ["title with a control character", JSON.stringify({ title: "bell\u0007" })],
      [
        "long title with a control character",
        JSON.stringify({ title: `${"x".repeat(201)}\u0000` }),
      ],
      ["wrong types and unknown keys", '{"title":5,"x":1,"id":3,"version":2}'],
      [
        "everything wrong",
        '{"title":"a","description":null,"is_completed":"yes","priority":"urgent","due_at":"tomorrow","tags":"x","position":"1"}',
      ],
      [
        "null everywhere",
        '{"title":null,"description":null,"is_completed":null,"priority":null,"due_at":null,"tags":null,"position":null}',
      ],
      ["bad tags", JSON.stringify({ title: "a", tags: ["", "x".repeat(33), 5, "ok\u0001"] })],
      [
        "21 tags",
        JSON.stringify({ title: "a", tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }),
      ],
      [
        "21 tags, one empty",
        JSON.stringify({
          title: "a",
          tags: ["", ...Array.from({ length: 20 }, (_, i) => `t${i}`)],
        }),
      ],
      [
        "description too long, control",
        JSON.stringify({ title: "a", description: `${"d".repeat(5001)}\u0002` }),
      ],
      [
        "due_at: no seconds, bad date, no offset",
        '{"title":"a","due_at":"2026-12-01T18:00+01:00"}',
      ],
      ["due_at: 2026-02-29", '{"title":"a","due_at":"2026-02-29T10:00:00Z"}'],
      ["due_at: no zone", '{"title":"a","due_at":"2026-12-01T18:00:00"}'],
      ["position 1e400", '{"title":"a","position":1e400}'],
      ["array", "[]"],
      ["string", '"title"'],
      ["null", "null"],
      ["malformed JSON", "nope"],
      ["no body", ""],
      ["text/plain", '{"title":"a"}', { "Content-Type": "text/plain" }],
      ["over 64 KB", JSON.stringify({ title: "a", description: "x".repeat(70_000) })],
    ];
    for (const [label, body, headers] of badBodies) {
      await both(`POST create: ${label}`, {
        method: "POST",
        path: "/api/me/tasks",
        ...(label === "no body" ? { headers: {} } : { body }),
        ...(headers ? { headers } : {}),
      });
    }
    const big = JSON.stringify({ title: "a", description: "x".repeat(70_000) });
    await both("POST create: over 64 KB, chunked", {
      method: "POST",
      path: "/api/me/tasks",
      body: big,
      chunked: true,
    });
    await both("POST create: chunked", {
      method: "POST",
      path: "/api/me/tasks",
      body: "{}",
      chunked: true,
    });
    await both("POST create: JSON type, empty body", {
      method: "POST",
      path: "/api/me/tasks",
      body: "",
    });

    // Authentication.
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const foreign = await new SignJWT({ email: "check@example.test" })
      .setProtectedHeader({ alg: "EdDSA", kid: (await exportJWK(publicKey)).x ?? "k" })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(ISSUER)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
    const [header, payload, signature = ""] = token.split(".");
    const auths: [string, string | null][] = [
      ["no Authorization", null],
      ["Basic", "Basic YWxhZGRpbjpvcGVuc2VzYW1l"],
      ["Bearer garbage", "Bearer abc"],
      ["Bearer with a space", `Bearer ${token} x`],
      ["lower-case bearer", `bearer ${token}`],
      ["signature tampered", `Bearer ${header}.${payload}.${signature.slice(0, -4)}AAAA`],
      ["unknown key", `Bearer ${foreign}`],
      ["alg none", `Bearer ${Buffer.from('{"alg":"none"}').toString("base64url")}.${payload}.`],
      ["header of another token", `Bearer ${header}.${foreign.split(".")[1]}.${signature}`],
    ];
    for (const [label, auth] of auths)
      await both(`GET list, auth: ${label}`, { path: "/api/me/tasks?limit=2", auth });
    await both("POST create, auth: none", {
      method: "POST",
      path: "/api/me/tasks",
      body: '{"title":"a"}',
      auth: null,
    });
    await both("GET /api/<someone else>/tasks (403)", { path: `/api/${othersTask}/tasks` });
    await both("GET an unknown /api route (404)", { path: "/api/me/nothing" });
    await both("GET an unknown /api route, no auth (401)", { path: "/api/me/nothing", auth: null });

    // Last: everything, once more.
    await both("GET all tasks, at the end", { path: "/api/me/tasks?limit=100" });
  } finally {
    await db.end().catch(() => {});
    const codes = await Promise.all([stop(ours), baseline ? stop(baseline) : null]);
    if (baseline) {
      const failures =
        codes[1] === 0 ? [] : [`baseline exited with ${codes[1]} on SIGTERM:\n${baseline.output}`];
      results.push({ label: "baseline exits cleanly on SIGTERM", failures });
      console.log(
        `${failures.length ? "FAIL" : "pass"}  baseline exits cleanly on SIGTERM ${failures.join("")}`,
      );
    }
  }
});
rmSync(work, { recursive: true, force: true });

const failed = results.filter((r) => r.failures.length > 0);
console.log(
  failed.length === 0
    ? `\nPASS: ${results.length} comparisons, ours and baseline-raw answered and queried identically.`
    : `\nFAIL: ${failed.length} of ${results.length} comparisons differ:\n${failed.map((r) => `  - ${r.label}`).join("\n")}`,
);
process.exit(failed.length === 0 ? 0 : 1);
