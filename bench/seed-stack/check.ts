// Proves that the seed stack (app.py: FastAPI + SQLModel) answers the benchmarked requests as our
// API does. Starts our backend and the seed stack on one throw-away database, signs up through ours,
// gets a JWT from ours, and sends both the same requests: the status and the JSON values must match.
// Not the bytes: timestamps are compared as instants ("+00:00" vs "Z", microseconds kept), numbers
// as numbers (1.0 vs 1), objects whatever their key order. Error bodies differ by design (FastAPI's
// {"detail": ...} against our problem+json): for errors the status (and WWW-Authenticate) is compared.
//
// Reads return the same rows from both. A create makes a row on each, one after the other: the seed
// stack's id and position must be ours + 1, and its timestamps later. A completion change is replayed
// on the same row after restoring it.
//
//   node --import tsx bench/seed-stack/check.ts     (BENCH_DATABASE_URL: default local Postgres)
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { generateKeyPair, SignJWT } from "jose";
import pg from "pg";
import { signUpForToken } from "../check-account.ts";
import { withThrowawayDatabase } from "../throwaway-database.ts";
import { ensureSeedStack, seedStackCommand } from "./launch.ts";

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const ISSUER = "http://localhost:8000";
const SECRET = randomBytes(32).toString("hex");
const backendDir = fileURLToPath(new URL("../../backend/", import.meta.url));

interface Server {
  label: string;
  base: string;
  process: ChildProcess;
  output: string;
}

/** A port nobody listens on now (from the 18050+ range when free, else any). */
async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(undefined));
      probe.listen(port, "127.0.0.1", () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === "object" && address ? address.port : port));
      });
    });
  return (await tryPort(preferred)) ?? (await tryPort(0)) ?? preferred;
}

function start(
  label: string,
  command: string,
  args: string[],
  cwd: string,
  port: number,
  env: Record<string, string>,
): Server {
  const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? "", ...env } });
  const server: Server = { label, base: `http://127.0.0.1:${port}`, process: child, output: "" };
  child.stdout?.on("data", (chunk) => {
    server.output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    server.output += chunk;
  });
  return server;
}

async function ready(server: Server) {
  const started = Date.now();
  for (;;) {
    if (server.process.exitCode !== null)
      throw new Error(`${server.label} exited:\n${server.output}`);
    if (Date.now() - started > 60_000) throw new Error(`${server.label} did not start`);
    try {
      if ((await fetch(`${server.base}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(server: Server): Promise<number | null> {
  if (server.process.exitCode !== null) return server.process.exitCode;
  const exited = new Promise<number | null>((resolve) => server.process.once("exit", resolve));
  server.process.kill("SIGTERM");
  return exited;
}

let token = "";
interface Request {
  method?: string;
  path: string;
  body?: string;
  auth?: string | null; // an Authorization header; null: none; default: the bearer JWT
}
interface Reply {
  status: number;
  headers: Headers;
  json: unknown;
}

async function send(server: Server, request: Request): Promise<Reply> {
  const headers: Record<string, string> = {};
  const auth = request.auth === undefined ? `Bearer ${token}` : request.auth;
  if (auth !== null) headers.Authorization = auth;
  if (request.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${server.base}${request.path}`, {
    method: request.method ?? "GET",
    headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: compared as text.
  }
  return { status: response.status, headers: response.headers, json };
}

// ---- Comparison ----

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:\d\d)$/;
/** An ISO timestamp as an exact instant: microseconds since the epoch, as a string. */
function instant(value: string): string {
  const match = TIMESTAMP.exec(value);
  if (!match) return `not a timestamp: ${value}`;
  const [, time, fraction = "", zone] = match;
  const micros = fraction.padEnd(6, "0");
  const ms = Date.parse(`${time}.${micros.slice(0, 3)}${zone}`);
  return `${ms}${micros.slice(3)}`;
}
const isTimestampField = (key: string) => key.endsWith("_at");

/** A task (or anything) with every *_at timestamp replaced by its instant. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        isTimestampField(key) && typeof v === "string" ? instant(v) : normalise(v),
      ]),
    );
  return value;
}

const results: { label: string; failures: string[] }[] = [];
const show = (v: unknown) => JSON.stringify(v)?.slice(0, 600);

function record(label: string, failures: string[]) {
  results.push({ label, failures });
  console.log(
    `${failures.length ? "FAIL" : "pass"}  ${label}${failures.map((f) => `\n        ${f}`).join("")}`,
  );
}

/** Same status; for a success, the same JSON values; for a 401, a Bearer challenge from both. */
function compare(label: string, ours: Reply, seed: Reply, adjust?: (o: Task, s: Task) => string[]) {
  const failures: string[] = [];
  if (ours.status !== seed.status)
    failures.push(`status: ours ${ours.status}, seed ${seed.status}`);
  if (ours.status === 401 || seed.status === 401)
    for (const r of [ours, seed])
      if (!r.headers.get("www-authenticate")?.startsWith("Bearer"))
        failures.push(`no Bearer challenge: ${r.headers.get("www-authenticate")}`);
  if (ours.status < 300 && failures.length === 0) {
    let a = normalise(ours.json);
    let b = normalise(seed.json);
    if (adjust) {
      failures.push(...adjust(a as Task, b as Task));
      a = { ...(a as Task), ...MASK };
      b = { ...(b as Task), ...MASK };
    }
    if (!isDeepStrictEqual(a, b))
      failures.push(`JSON:\n          ours: ${show(a)}\n          seed: ${show(b)}`);
  }
  record(label, failures);
}

type Task = Record<string, unknown> & { id: number; position: number };
const MASK = { id: 0, position: 0, created_at: "", updated_at: "", completed_at: "" };

/** A create on ours, then the same on the seed stack: the seed's row is the next one. */
function createdAfter(ours: Task, seed: Task): string[] {
  const failures: string[] = [];
  if (seed.id !== ours.id + 1) failures.push(`id: ours ${ours.id}, seed ${seed.id}`);
  for (const key of ["created_at", "updated_at"])
    if (!(BigInt(seed[key] as string) >= BigInt(ours[key] as string)))
      failures.push(`${key}: seed's ${seed[key]} before ours' ${ours[key]}`);
  if ((ours.completed_at === null) !== (seed.completed_at === null))
    failures.push(`completed_at: ours ${ours.completed_at}, seed ${seed.completed_at}`);
  return failures;
}

// ---- The run ----

const TASK_BODIES = (i: number) => {
  const offsets = ["Z", "+01:00", "-05:30", "+14:00"];
  const report = i % 3 === 0 ? " quarterly report" : i % 10 === 1 ? " REPORTS" : "";
  const body: Record<string, unknown> = { title: `Task ${i}${report}` };
  if (i % 2 === 0)
    body.description = i % 5 === 0 ? `Notes\nabout 50% of "${i}", see the Report` : `notes ${i}`;
  if (i % 3 !== 0) body.priority = ["none", "low", "medium", "high"][i % 4];
  if (i % 4 !== 1)
    body.due_at = `2026-${String((i % 12) + 1).padStart(2, "0")}-1${i % 10}T0${i % 10}:30:00${i % 3 ? ".25" : ""}${offsets[i % 4]}`;
  if (i % 3 === 1) body.tags = i % 2 ? ["home", " work ", "home"] : ["work"];
  if (i % 11 === 4) body.is_completed = true;
  return body;
};

ensureSeedStack();
await withThrowawayDatabase(SERVER_URL, async (url) => {
  const [oursPort, seedPort] = [await freePort(18050), await freePort(18051)];
  const ours = start(
    "ours",
    process.execPath,
    ["--import", "tsx", "src/server.ts"],
    backendDir,
    oursPort,
    {
      NODE_ENV: "production",
      BETTER_AUTH_SECRET: SECRET,
      BETTER_AUTH_URL: ISSUER,
      DATABASE_URL: url,
      PORT: String(oursPort),
      LOG_LEVEL: "warn",
      API_RATE_LIMIT_MAX: "1000000",
    },
  );
  let seed: Server | undefined;
  const db = new pg.Client({ connectionString: url });
  try {
    await ready(ours); // ours migrates the database on start
    let userId: string;
    ({ token, userId } = await signUpForToken(ours.base));

    const { command, args, cwd } = seedStackCommand(seedPort);
    seed = start("seed stack", command, args, cwd, seedPort, {
      DATABASE_URL: url,
      JWT_ISSUER: ISSUER,
      CURSOR_SECRET: SECRET,
    });
    await ready(seed);
    const s = seed;
    await db.connect();
    const both = async (label: string, request: Request) =>
      compare(label, await send(ours, request), await send(s, request));

    // Someone else, with a task.
    const other = await db.query<{ id: number; user_id: string }>(
      `with u as (insert into users (name, email) values ('other', 'other@example.test') returning id)
       insert into tasks (user_id, title, description) select id, 'Not yours: report', '' from u
       returning id, user_id`,
    );
    const { id: othersTask, user_id: otherUser } = other.rows[0] as { id: number; user_id: string };

    // The keys load on first use: requests arriving meanwhile wait for them (no spurious 401).
    const first = await Promise.all(
      Array.from({ length: 8 }, () => send(s, { path: "/api/me/tasks?limit=1" })),
    );
    record(
      "8 concurrent first requests to the seed stack: all 200",
      first.filter((r) => r.status !== 200).map((r) => `status ${r.status}`),
    );
    await both("GET /healthz", { path: "/healthz", auth: null });

    // Creates: ours, then the seed stack, one after the other.
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
      ["completed, explicit position", { title: "Done", is_completed: true, position: 42.5 }],
      [
        "explicit false / null / empty",
        { title: "Nulls", is_completed: false, due_at: null, tags: [], description: "" },
      ],
      ["tags that need quoting", { title: "Quotes", tags: ['say "hi"', "back\\slash", "a,b"] }],
      ["200 emoji, tag of 32", { title: "🚀".repeat(200), tags: ["😀".repeat(32)] }],
      ["unicode, odd offset", { title: "Café ☕", due_at: "2024-02-29T23:59:59.123456-00:44" }],
      ["the benchmark's body", { title: "Benchmark task", priority: "medium", tags: ["bench"] }],
    ];
    for (const [label, body] of createBodies) {
      const request = { method: "POST", path: "/api/me/tasks", body: JSON.stringify(body) };
      const a = await send(ours, request);
      const b = await send(s, request);
      compare(`POST create: ${label}`, a, b, (o, t) => {
        const failures = createdAfter(o, t);
        const explicit = (body as { position?: number }).position;
        const want = explicit ?? o.position + 1;
        if (t.position !== want) failures.push(`position: ours ${o.position}, seed ${t.position}`);
        const location = (r: Reply, task: Task) =>
          r.headers.get("location") === `/api/${userId}/tasks/${task.id}`;
        if (!location(a, o) || !location(b, t))
          failures.push(`Location: ${a.headers.get("location")} / ${b.headers.get("location")}`);
        return failures;
      });
    }
    const ownPath = { method: "POST", path: `/api/${userId}/tasks`, body: '{"title":"own id"}' };
    compare(
      "POST create on /api/<own id>/tasks",
      await send(ours, ownPath),
      await send(s, ownPath),
      createdAfter,
    );

    // 60 more, on ours only: the rows every read below returns from both.
    for (let i = 1; i <= 60; i++) {
      const created = await send(ours, {
        method: "POST",
        path: "/api/me/tasks",
        body: JSON.stringify(TASK_BODIES(i)),
      });
      if (created.status !== 201)
        throw new Error(`create ${i}: ${created.status} ${show(created.json)}`);
    }

    // Reads: every page, following ours' cursor on both; each cursor must be the same too.
    const queries = [
      "?limit=50",
      "?q=report&limit=50",
      "",
      "?q=%20REPORT%20&status=pending&limit=3",
      "?q=50%25",
      "?q=task_",
      "?status=completed&limit=7",
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
      "?due=none&limit=10",
      "?due=overdue&tz=Europe/Paris",
      "?tag=work&priority=low&status=pending&q=task",
      "?limit=100",
      "?q=nothing%20matches",
    ];
    let pages = 0;
    for (const query of queries) {
      let path = `/api/me/tasks${query}`;
      for (let page = 1; path; page++) {
        const a = await send(ours, { path });
        const b = await send(s, { path });
        compare(`GET ${path.slice(0, 100)}${path.length > 100 ? "…" : ""} (page ${page})`, a, b);
        pages++;
        const next =
          a.status === 200 ? (a.json as { next_cursor: string | null }).next_cursor : null;
        path = next
          ? `/api/me/tasks${query}${query ? "&" : "?"}cursor=${encodeURIComponent(next)}`
          : "";
      }
    }
    await both("GET /api/<own id>/tasks", { path: `/api/${userId}/tasks?limit=10` });
    // The seed stack's cursor, followed on ours: the codec is the same.
    const seedPage = (await send(s, { path: "/api/me/tasks?limit=5&sort=-due" })).json as {
      next_cursor: string;
    };
    await both("GET the seed stack's cursor on both", {
      path: `/api/me/tasks?limit=5&sort=-due&cursor=${encodeURIComponent(seedPage.next_cursor)}`,
    });
    const oursPage = (await send(ours, { path: "/api/me/tasks?limit=5" })).json as {
      next_cursor: string;
    };
    for (const [label, query] of [
      ["cursor of another query (400)", `?limit=5&status=pending&cursor=${oursPage.next_cursor}`],
      ["cursor tampered (400)", `?limit=5&cursor=${oursPage.next_cursor.slice(0, -2)}AA`],
      ["cursor garbage (400)", "?cursor=abc.def"],
      ["cursor not ASCII (400)", "?cursor=%C3%A9.%C3%A9"],
      ["limit 0 (422)", "?limit=0"],
      ["limit 101 (422)", "?limit=101"],
      ["limit abc (422)", "?limit=abc"],
      ["bad status, sort (422)", "?status=x&sort=y"],
      ["blank q (422)", "?q=%20%20"],
      ["bad tz (422)", "?tz=Mars/Olympus"],
    ] as const)
      await both(`GET list: ${label}`, { path: `/api/me/tasks${query}` });

    // Completion: ours first, then the row is put back as it was and the seed stack does the same.
    const ids = (
      await db.query<{ id: number }>("select id from tasks where user_id = $1 order by id", [
        userId,
      ])
    ).rows.map((r) => r.id);
    const [t1, t2, t3] = [ids[3], ids[10], ids[20]] as [number, number, number];
    const completions: [string, number, string | undefined][] = [
      ["toggle", t1, undefined],
      ["toggle back", t1, undefined],
      ["set true", t2, '{"is_completed":true}'],
      ["set true again (completed_at kept)", t2, '{"is_completed":true}'],
      ["set false", t2, '{"is_completed":false}'],
      ["set false when pending", t3, '{"is_completed":false}'],
    ];
    const columns = "is_completed, completed_at::text, version, updated_at::text";
    const restore = (id: number, row: Record<string, unknown>) =>
      db.query(
        "update tasks set is_completed = $2, completed_at = $3::timestamptz, version = $4, updated_at = $5::timestamptz where id = $1",
        [id, row.is_completed, row.completed_at, row.version, row.updated_at],
      );
    for (const [label, id, body] of completions) {
      const snapshot = (await db.query(`select ${columns} from tasks where id = $1`, [id])).rows[0];
      const request: Request = {
        method: "PATCH",
        path: `/api/me/tasks/${id}/complete`,
        ...(body ? { body } : {}),
      };
      const a = await send(ours, request);
      const after = (await db.query(`select ${columns} from tasks where id = $1`, [id])).rows[0];
      await restore(id, snapshot);
      const b = await send(s, request);
      const kept = snapshot.completed_at !== null;
      compare(`PATCH complete: ${label}`, a, b, (o, t) => {
        const failures: string[] = [];
        if (o.id !== t.id || o.position !== t.position) failures.push("id or position differ");
        if (BigInt(t.updated_at as string) < BigInt(o.updated_at as string))
          failures.push("seed's updated_at before ours'");
        // A completion that was already set is kept, to the microsecond; a new one is "now".
        if (
          kept
            ? o.completed_at !== t.completed_at
            : (o.completed_at === null) !== (t.completed_at === null)
        )
          failures.push(`completed_at: ours ${o.completed_at}, seed ${t.completed_at}`);
        return failures;
      });
      await restore(id, after); // ours' result stays, so the next step starts from it on both
    }
    const patch = (id: number | string, body?: string): Request => ({
      method: "PATCH",
      path: `/api/me/tasks/${id}/complete`,
      ...(body ? { body } : {}),
    });
    await both("PATCH complete: no such task (404)", patch(999_999));
    await both(
      "PATCH complete: another user's task (404)",
      patch(othersTask, '{"is_completed":true}'),
    );
    await both("PATCH complete: id abc (422)", patch("abc"));
    await both("PATCH complete: id 0 (422)", patch(0));
    await both("PATCH complete: body {} (422)", patch(t1, "{}"));
    await both("PATCH complete: unknown key (422)", patch(t1, '{"is_completed":true,"y":2}'));
    await both("PATCH complete: is_completed a string (422)", patch(t1, '{"is_completed":"yes"}'));
    await both("PATCH complete: another user's path (403)", {
      ...patch(t1),
      path: `/api/${otherUser}/tasks/${t1}/complete`,
    });

    // Create errors: 422 from both.
    for (const [label, body] of [
      ["{}", "{}"],
      ["blank title", '{"title":"   "}'],
      ["title 201 characters", JSON.stringify({ title: "x".repeat(201) })],
      ["title 201 emoji", JSON.stringify({ title: "🚀".repeat(201) })],
      ["title with a control character", JSON.stringify({ title: "bell\u0007" })],
      ["wrong types and unknown keys", '{"title":5,"x":1,"id":3,"version":2}'],
      ["is_completed a string", '{"title":"a","is_completed":"yes"}'],
      ["priority urgent", '{"title":"a","priority":"urgent"}'],
      ["due_at without offset", '{"title":"a","due_at":"2026-12-01T18:00:00"}'],
      ["due_at not a date", '{"title":"a","due_at":"tomorrow"}'],
      ["bad tags", JSON.stringify({ title: "a", tags: ["", "x".repeat(33), 5, "ok\u0001"] })],
      [
        "21 tags",
        JSON.stringify({ title: "a", tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }),
      ],
      ["description too long", JSON.stringify({ title: "a", description: "d".repeat(5001) })],
      ["description with NUL", JSON.stringify({ title: "a", description: "x\u0000" })],
      ["position 1e400", '{"title":"a","position":1e400}'],
      ["array", "[]"],
      ["null", "null"],
    ])
      await both(`POST create: ${label} (422)`, { method: "POST", path: "/api/me/tasks", body });

    // Authentication and ownership.
    const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const signed = (claims: { iss?: string; aud?: string; exp?: string; kid?: string }) =>
      new SignJWT({ email: "check@example.test" })
        .setProtectedHeader({ alg: "EdDSA", kid: claims.kid ?? "unknown" })
        .setSubject(userId)
        .setIssuer(claims.iss ?? ISSUER)
        .setAudience(claims.aud ?? ISSUER)
        .setIssuedAt()
        .setExpirationTime(claims.exp ?? "5m")
        .sign(privateKey);
    const kid = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()).kid;
    const [header, payload, signature = ""] = token.split(".");
    const auths: [string, string | null][] = [
      ["no Authorization", null],
      ["Basic", "Basic YWxhZGRpbjpvcGVuc2VzYW1l"],
      ["Bearer garbage", "Bearer abc"],
      ["signature tampered", `Bearer ${header}.${payload}.${signature.slice(0, -4)}AAAA`],
      ["unknown key", `Bearer ${await signed({})}`],
      ["another key under our kid", `Bearer ${await signed({ kid })}`],
      ["alg none", `Bearer ${Buffer.from('{"alg":"none"}').toString("base64url")}.${payload}.`],
    ];
    for (const [label, auth] of auths)
      await both(`GET list, auth: ${label} (401)`, { path: "/api/me/tasks?limit=2", auth });
    await both("POST create, no auth (401)", {
      method: "POST",
      path: "/api/me/tasks",
      body: '{"title":"a"}',
      auth: null,
    });
    await both("GET another user's tasks (403)", { path: `/api/${otherUser}/tasks` });
    await both("POST to another user's tasks (403)", {
      method: "POST",
      path: `/api/${otherUser}/tasks`,
      body: '{"title":"a"}',
    });

    // Last: everything, once more.
    await both("GET all tasks, at the end", { path: "/api/me/tasks?limit=100" });
    console.log(`(${pages} list pages compared)`);
  } finally {
    await db.end().catch(() => {});
    const codes = await Promise.all([stop(ours), seed ? stop(seed) : null]);
    if (seed && (codes[1] !== 0 || results.some((r) => r.failures.length)))
      console.log(`seed stack (exit ${codes[1]}) said:\n${seed.output.slice(0, 30000)}`);
  }
});

const failed = results.filter((r) => r.failures.length > 0);
console.log(
  failed.length === 0
    ? `\nPASS: ${results.length} comparisons, ours and the seed stack answered alike.`
    : `\nFAIL: ${failed.length} of ${results.length} comparisons differ:\n${failed.map((r) => `  - ${r.label}`).join("\n")}`,
);
process.exit(failed.length === 0 ? 0 : 1);
