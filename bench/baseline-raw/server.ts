// baseline-raw: the benchmark's floor for framework and ORM cost (issue 6). The same tasks API as
// backend/ for the benchmarked routes only, on plain node:http + pg + jose: no framework, no ORM.
// It sends the very SQL our API sends (same text, parameters and statement names; check.ts proves
// it), and answers with the same status, headers and JSON bytes:
//   GET   /healthz
//   GET   /api/{me|own id}/tasks            status, q, tag, priority, tz, sort, limit, cursor
//   POST  /api/{me|own id}/tasks            (Idempotency-Key is ignored)
//   PATCH /api/{me|own id}/tasks/{id}/complete
// Bearer JWTs only (no session cookie), verified by backend/src/auth/jwt.ts itself, with the keys
// Better Auth keeps in the `jwks` table. The `due` filter is refused (501); there is no rate limit.
//
// Env: DATABASE_URL, JWT_ISSUER (= our BETTER_AUTH_URL), CURSOR_SECRET (= our BETTER_AUTH_SECRET,
// which is also accepted), PORT (0: any free port), DATABASE_POOL_MAX (10).
//   node --import tsx bench/baseline-raw/server.ts
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { INSTANT_RANGE, instantToUtc } from "@todo/contract/instants";
// Framework-free helpers of ours, shared so the baseline's bytes and statement names cannot drift.
import { drizzle } from "drizzle-orm/node-postgres";
import type { JSONWebKeySet, JWK } from "jose";
import pg from "pg";
import { pino } from "pino";
import { JWT_LIFETIME_SECONDS } from "../../backend/src/auth/auth.ts";
import { createJwtVerifier, InvalidTokenError } from "../../backend/src/auth/jwt.ts";
import { startTokenRevocations } from "../../backend/src/auth/token-revocations.ts";
import { statementName } from "../../backend/src/db/prepared.ts";
import * as schema from "../../backend/src/db/schema.ts";
import { createCursorCodec } from "../../backend/src/lib/cursor.ts";
import { toIsoUtc } from "../../backend/src/lib/timestamps.ts";

const need = (name: string, value = process.env[name]) => {
  if (!value) throw new Error(`Set ${name}.`);
  return value;
};
const ISSUER = need("JWT_ISSUER");
const SECRET = need("CURSOR_SECRET", process.env.CURSOR_SECRET || process.env.BETTER_AUTH_SECRET);
const PORT = Number(process.env.PORT ?? 8000);
const pool = new pg.Pool({
  connectionString: need("DATABASE_URL"),
  max: Number(process.env.DATABASE_POOL_MAX || 10),
  connectionTimeoutMillis: 10_000,
});
pool.on("error", (error) => console.error("idle database connection failed:", error.message));

// ---- Rows, as Drizzle reads them: rows as arrays, timestamptz as Postgres' text, then ISO UTC ----

const SELECT =
  '"id", "user_id", "title", "description", "is_completed", "completed_at", "priority", ' +
  '"due_at", "tags", "position", "version", "created_at", "updated_at"';
const TIMESTAMPTZ = 1184;
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMPTZ
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};
const run = (text: string, values: unknown[], name?: string) =>
  pool.query<unknown[]>({ name, text, values, rowMode: "array", types });

const iso = (value: unknown) => (value === null ? null : toIsoUtc(value as string));

type Task = Record<string, unknown> & { id: number; user_id: string; version: number };
const toTask = (r: unknown[]): Task => ({
  id: r[0] as number,
  user_id: r[1] as string,
  title: r[2],
  description: r[3],
  is_completed: r[4],
  completed_at: iso(r[5]),
  priority: r[6],
  due_at: iso(r[7]),
  tags: r[8],
  position: r[9],
  version: r[10] as number,
  created_at: iso(r[11]),
  updated_at: iso(r[12]),
});

// ---- Responses ----

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  500: "Internal Server Error",
  501: "Not Implemented",
};
type Reply = { status: number; body: unknown; headers?: Record<string, string> };
type Issue = { path: string; message: string };
const problem = (
  status: number,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Reply => ({
  status,
  body: { type: "about:blank", title: TITLES[status] ?? "Error", status, detail, ...extra },
  headers: { "Content-Type": "application/problem+json", ...headers },
});
const invalid = (where: string, issues: Issue[]) =>
  problem(
    422,
    `The ${where} is not valid: ${issues.map((e) => `${e.path || where}: ${e.message}`).join("; ")}.`,
    { errors: issues },
  );
const etag = (task: Task) => `"${task.version}"`;

// ---- Validation, with Zod's messages (backend/src/db/schema.ts, tasks.routes.ts) ----

const received = (v: unknown) =>
  v === null
    ? "null"
    : Array.isArray(v)
      ? "array"
      : typeof v === "number" && !Number.isFinite(v)
        ? String(v)
        : typeof v;
const expected = (type: string, v: unknown) =>
  `Invalid input: expected ${type}, received ${received(v)}`;
const oneOf = (values: readonly string[]) =>
  `Invalid option: expected one of ${values.map((v) => `"${v}"`).join("|")}`;
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_LINE_BREAKS = /(?![\t\n\r])\p{Cc}/u;
const ISO_DATETIME =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;
const PRIORITIES = ["none", "low", "medium", "high"];
const STATUSES = ["all", "pending", "completed"];
const SORTS = "created -created due -due priority -priority title -title position".split(" ");
/** Zod measures strings in code points. */
const atMost = (max: number) => (s: string) => s.length <= max || [...s].length <= max;
const notEmpty = (s: string) => s.length > 0;

/** A string field: type, then trim, then every check in order (Zod keeps going after a failed check). */
function str(
  issues: Issue[],
  path: string,
  v: unknown,
  trim: boolean,
  checks: [(s: string) => boolean, string][],
) {
  if (typeof v !== "string") return void issues.push({ path, message: expected("string", v) });
  const s = trim ? v.trim() : v;
  for (const [ok, message] of checks) if (!ok(s)) issues.push({ path, message });
  return s;
}
/** z.coerce.number().int().min(min).max(max) */
function int(issues: Issue[], path: string, raw: unknown, min: number, max: number) {
  const n = Number(raw);
  if (!Number.isFinite(n)) return void issues.push({ path, message: expected("number", n) });
  if (!Number.isInteger(n)) return void issues.push({ path, message: expected("int", n) });
  if (!Number.isSafeInteger(n))
    issues.push({
      path,
      message:
        n > 0
          ? "Too big: expected int to be <=9007199254740991"
          : "Too small: expected int to be >=-9007199254740991",
    });
  if (n < min) issues.push({ path, message: `Too small: expected number to be >=${min}` });
  if (n > max) issues.push({ path, message: `Too big: expected number to be <=${max}` });
  return n;
}
const unknownKeys = (issues: Issue[], body: object, known: string[]) => {
  for (const key of Object.keys(body))
    if (!known.includes(key))
      issues.push({ path: key, message: "is not allowed (unknown, or set by the server)" });
};
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const NEW_TASK_KEYS = "title description is_completed priority due_at tags position".split(" ");
function newTask(body: unknown): { input: Record<string, unknown> } | { issues: Issue[] } {
  if (!isObject(body)) return { issues: [{ path: "", message: expected("object", body) }] };
  const issues: Issue[] = [];
  const input: Record<string, unknown> = {};
  const has = (key: string) => body[key] !== undefined;
  input.title = str(issues, "title", body.title, true, [
    [notEmpty, "title is required"],
    [atMost(200), "title has at most 200 characters"],
    [(s) => !CONTROL.test(s), "title cannot contain control characters"],
  ]);
  if (has("description"))
    input.description = str(issues, "description", body.description, false, [
      [atMost(5000), "description has at most 5000 characters"],
      [
        (s) => !CONTROL_BUT_LINE_BREAKS.test(s),
        "description cannot contain control characters other than tab and line breaks",
      ],
    ]);
  if (has("is_completed")) {
    if (typeof body.is_completed === "boolean") input.is_completed = body.is_completed;
    else issues.push({ path: "is_completed", message: expected("boolean", body.is_completed) });
  }
  if (has("priority")) {
    if (PRIORITIES.includes(body.priority as string)) input.priority = body.priority;
    else issues.push({ path: "priority", message: oneOf(PRIORITIES) });
  }
  if (has("due_at")) {
    const before = issues.length;
    const given =
      body.due_at === null
        ? null
        : str(issues, "due_at", body.due_at, false, [
            [(s) => ISO_DATETIME.test(s), "Invalid ISO datetime"],
          ]);
    // Stored as UTC, as ours does (schema.ts); an instant out of range is a 422 there too.
    const utc = typeof given === "string" && issues.length === before ? instantToUtc(given) : given;
    if (utc === undefined) issues.push({ path: "due_at", message: INSTANT_RANGE });
    else input.due_at = utc;
  }
  if (has("tags")) {
    const tags = body.tags;
    if (!Array.isArray(tags)) issues.push({ path: "tags", message: expected("array", tags) });
    // Zod checks an array's length before its items, and stops there if it is too long.
    else if (tags.length > 20) issues.push({ path: "tags", message: "at most 20 tags" });
    else {
      const before = issues.length;
      const list = tags.map((tag, i) =>
        str(issues, `tags.${i}`, tag, true, [
          [notEmpty, "a tag cannot be empty"],
          [atMost(32), "a tag has at most 32 characters"],
          [(s) => !CONTROL.test(s), "a tag cannot contain control characters"],
        ]),
      );
      if (issues.length === before) input.tags = [...new Set(list)];
    }
  }
  if (has("position")) {
    if (typeof body.position === "number" && Number.isFinite(body.position))
      input.position = body.position;
    else issues.push({ path: "position", message: expected("number", body.position) });
  }
  unknownKeys(issues, body, NEW_TASK_KEYS);
  return issues.length ? { issues } : { input };
}

// ---- Cursors (backend/src/lib/cursor.ts): the same format and HMAC, so pages are byte-identical ----

// The cursor codec is ours: plain HMAC over JSON, no framework, and byte-identical by construction.
const cursors = createCursorCodec(SECRET);

// ---- SQL: character for character what Drizzle makes of backend/src/tasks/tasks.service.ts ----

/** Each sort key: in the select list (Drizzle leaves a bare column unqualified), elsewhere, type. */
const SORT_KEYS: Record<string, [select: string, key: string, type: string]> = {
  created: ['"created_at"', '"tasks"."created_at"', "timestamptz"],
  due: [
    `coalesce("tasks"."due_at", 'infinity'::timestamptz)`,
    `coalesce("tasks"."due_at", 'infinity'::timestamptz)`,
    "timestamptz",
  ],
  priority: ['"priority"', '"tasks"."priority"', "task_priority"],
  title: ['lower("tasks"."title")', 'lower("tasks"."title")', "text"],
  position: ['"position"', '"tasks"."position"', "float8"],
};
const OWNED = '("tasks"."id" = $1 and "tasks"."user_id" = $2)';
const GET_TASK = {
  name: statementName("tasks.get"),
  text: `select ${SELECT} from "tasks" where ${OWNED}`,
};
const RETURNING = ` returning ${SELECT}`;

type Position = { key: string; id: number };
async function listTasks(userId: string, query: URLSearchParams): Promise<Reply> {
  // Hono hands a repeated parameter to Zod as an array; Zod then refuses it.
  const param = (name: string) => {
    const all = query.getAll(name);
    return all.length > 1 ? all : all[0];
  };
  if (param("due") !== undefined)
    return problem(501, "baseline-raw does not implement the due filter.");
  const issues: Issue[] = [];
  const status = param("status") ?? "all";
  if (!STATUSES.includes(status as string))
    issues.push({ path: "status", message: oneOf(STATUSES) });
  const text = (name: string, max: number) => {
    const v = param(name);
    return v === undefined
      ? undefined
      : str(issues, name, v, true, [
          [notEmpty, "Too small: expected string to have >=1 characters"],
          [atMost(max), `Too big: expected string to have <=${max} characters`],
        ]);
  };
  const q = text("q", 200);
  const tag = text("tag", 32);
  const priority = param("priority");
  if (priority !== undefined && !PRIORITIES.includes(priority as string))
    issues.push({ path: "priority", message: oneOf(PRIORITIES) });
  const tz = param("tz") ?? "UTC";
  str(issues, "tz", tz, false, [[isTimeZone, "must be an IANA time zone, such as Europe/Paris"]]);
  const sort = (param("sort") ?? "created") as string;
  if (!SORTS.includes(sort)) issues.push({ path: "sort", message: oneOf(SORTS) });
  const rawLimit = param("limit");
  const limit = (rawLimit === undefined ? 50 : int(issues, "limit", rawLimit, 1, 100)) as number;
  const cursor = param("cursor");
  if (cursor !== undefined)
    str(issues, "cursor", cursor, false, [
      [atMost(2000), "Too big: expected string to have <=2000 characters"],
    ]);
  if (issues.length) return invalid("query", issues);

  const filters = {
    status,
    ...(q ? { q } : {}),
    ...(tag ? { tag } : {}),
    ...(priority ? { priority } : {}),
    tz,
  };
  const binding = JSON.stringify([userId, sort, filters]);
  let after: Position | undefined;
  if (cursor) {
    after = cursors.decode(cursor as string, binding) as Position | undefined;
    if (!after) return problem(400, "The cursor is damaged, or was made for another query.");
  }
  const descending = sort.startsWith("-");
  const [selectKey, key, type] = SORT_KEYS[descending ? sort.slice(1) : sort] as [
    string,
    string,
    string,
  ];
  const values: unknown[] = [userId];
  const p = (value: unknown) => `$${values.push(value)}`;
  const conditions = ['"tasks"."user_id" = $1'];
  if (status !== "all") conditions.push(`"tasks"."is_completed" = ${p(status === "completed")}`);
  if (q)
    conditions.push(
      `("tasks"."title" || ' ' || "tasks"."description") ilike ${p(`%${q.replace(/[\\%_]/g, "\\$&")}%`)}`,
    );
  if (tag) conditions.push(`"tasks"."tags" @> array[${p(tag)}]::text[]`);
  if (priority) conditions.push(`"tasks"."priority" = ${p(priority)}`);
  if (after)
    conditions.push(
      `(${key}, "tasks"."id") ${descending ? "<" : ">"} (cast(${p(after.key)} as ${type}), ${p(after.id)})`,
    );
  const order = descending ? "desc" : "asc";
  const where = conditions.length === 1 ? conditions[0] : `(${conditions.join(" and ")})`;
  const sql = `select ${SELECT}, (${selectKey})::text from "tasks" where ${where} order by ${key} ${order}, "tasks"."id" ${order} limit ${p(limit + 1)}`;
  const shape = [
    sort.replace("-", "desc_"),
    status,
    q ? "q" : "",
    tag ? "tag" : "",
    priority ? "priority" : "",
    "",
    after ? "after" : "",
  ].join("_");

  const { rows } = await run(sql, values, statementName(`tasks.list ${shape}`));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next =
    rows.length > limit && last ? { key: last[13] as string, id: last[0] as number } : null;
  return {
    status: 200,
    body: { items: page.map(toTask), next_cursor: next ? cursors.encode(next, binding) : null },
  };
}

function isTimeZone(tz: string) {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

async function createTask(userId: string, input: Record<string, unknown>): Promise<Reply> {
  const values: unknown[] = [];
  const p = (value: unknown) => `$${values.push(value)}`;
  const given = (key: string) => (input[key] === undefined ? "default" : p(input[key]));
  // Drizzle sends a text[] as an array literal it writes itself.
  const tags = input.tags as string[] | undefined;
  if (tags)
    input.tags = `{${tags.map((t) => `"${t.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
  // As ours: one prepared statement per set of given fields (and whether it starts completed).
  const fields = Object.keys(input)
    .filter((key) => input[key] !== undefined)
    .sort();
  const name = statementName(
    `tasks.create ${fields.join(",")}${input.is_completed === true ? " done" : ""}`,
  );
  const row = [
    "default",
    p(userId),
    p(input.title),
    given("description"),
    given("is_completed"),
    input.is_completed ? "now()" : p(null),
    given("priority"),
    given("due_at"),
    given("tags"),
    input.position === undefined
      ? `(select coalesce(max("tasks"."position"), 0) + 1 from "tasks" where "tasks"."user_id" = ${p(userId)})`
      : p(input.position),
    "default",
    "default",
    "default",
  ];
  const { rows } = await run(
    `insert into "tasks" (${SELECT}) values (${row.join(", ")})${RETURNING}`,
    values,
    name,
  );
  const task = toTask(rows[0] as unknown[]);
  return {
    status: 201,
    body: task,
    headers: { ETag: etag(task), Location: `/api/${task.user_id}/tasks/${task.id}` },
  };
}

async function setCompletion(
  userId: string,
  id: number,
  isCompleted: boolean | undefined,
): Promise<Reply> {
  const values: unknown[] = [];
  const p = (value: unknown) => `$${values.push(value)}`;
  const next = () => (isCompleted === undefined ? 'not "tasks"."is_completed"' : p(isCompleted));
  const set = `"is_completed" = ${next()}, "completed_at" = case when ${next()} then coalesce("tasks"."completed_at", now()) else null end, "version" = "tasks"."version" + 1, "updated_at" = now()`;
  const where = `("tasks"."id" = ${p(id)} and "tasks"."user_id" = ${p(userId)})`;
  const name = statementName(`tasks.complete ${isCompleted === undefined ? "toggle" : "set"}`);
  const { rows } = await run(`update "tasks" set ${set} where ${where}${RETURNING}`, values, name);
  if (rows[0]) {
    const task = toTask(rows[0]);
    return { status: 200, body: task, headers: { ETag: etag(task) } };
  }
  // As ours: no row changed, so look the task up to tell "stale" from "not found".
  const current = (await run(GET_TASK.text, [id, userId], GET_TASK.name)).rows[0];
  if (!current) return problem(404, "No such task.");
  const task = toTask(current);
  return problem(
    412,
    `The task changed since you read it: it is at version ${task.version} now.`,
    { task },
    { ETag: etag(task) },
  );
}

// ---- Authentication (backend/src/auth/jwt.ts, require-user.ts) ----

const revocations = startTokenRevocations(drizzle({ client: pool, schema }), {
  tokenLifetimeSeconds: JWT_LIFETIME_SECONDS,
  logger: pino({ level: "warn" }),
});

// Our verifier itself (framework-free: jose), with the keys read from the jwks table as Better
// Auth reads them: signature, issuer, audience, expiry, key reloads, verified tokens remembered.
const verifyToken = createJwtVerifier({
  loadKeys: async () => {
    const { rows } = await pool.query<{
      id: string;
      public_key: string;
      alg: string | null;
      crv: string | null;
    }>(
      `select id, public_key, alg, crv from jwks where expires_at is null or expires_at + interval '30 days' > now()`,
    );
    const keys = rows.map((k) => ({
      alg: k.alg ?? "EdDSA",
      crv: k.crv ?? "Ed25519",
      ...(JSON.parse(k.public_key) as JWK),
      kid: k.id,
    }));
    return { keys } as JSONWebKeySet;
  },
  issuer: ISSUER,
  audience: ISSUER,
  maxLifetimeSeconds: JWT_LIFETIME_SECONDS,
  // The same revocation list as ours (ended sessions, read once a second in the background through
  // Drizzle over this pool): each request pays the same in-memory check, and no query.
  revocations,
});

function denied(reason: string, tokenError = true): Reply {
  const challenge = tokenError
    ? `Bearer error="invalid_token", error_description="${reason.replaceAll('"', "'")}"`
    : "Bearer";
  return problem(
    401,
    `${reason[0]?.toUpperCase()}${reason.slice(1)}.`,
    {},
    { "WWW-Authenticate": challenge },
  );
}

/** The user id, or the 401 to answer. */
async function authenticate(header: string | undefined): Promise<string | Reply> {
  if (header === undefined) return denied("sign in, or send a bearer token", false);
  const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header)?.[1];
  if (!token) return denied("the Authorization header must be: Bearer <token>");
  try {
    return (await verifyToken(token)).user.id;
  } catch (error) {
    if (error instanceof InvalidTokenError) return denied(error.message);
    throw error;
  }
}

// ---- HTTP ----

const BODY_LIMIT = 64 * 1024;
const HAS_JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i; // our requireJsonBody
const JSON_MEDIA_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i; // zod-openapi's gate
const TASKS = /^\/api\/([^/]+)\/tasks$/;
const COMPLETE = /^\/api\/([^/]+)\/tasks\/([^/]+)\/complete$/;

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  if (Number(req.headers["content-length"] ?? 0) > BODY_LIMIT) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= BODY_LIMIT) chunks.push(chunk); // past the limit, drain: the answer is 413
  }
  return size > BODY_LIMIT ? undefined : Buffer.concat(chunks).toString();
}

const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

async function route(req: IncomingMessage): Promise<Reply> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const path = url.pathname;
  const method = req.method ?? "GET";
  const noRoute = () => problem(404, `No route for ${method} ${path}.`);
  if (path === "/healthz" && method === "GET") return { status: 200, body: { status: "ok" } };
  if (!path.startsWith("/api/")) return noRoute();

  const userId = await authenticate(req.headers.authorization);
  if (typeof userId !== "string") return userId;
  const list = TASKS.exec(path);
  const complete = COMPLETE.exec(path);
  const handled =
    (list && (method === "GET" || method === "POST")) || (complete && method === "PATCH");
  if (!handled) return noRoute();

  let body: string | undefined = "";
  if (method !== "GET") {
    body = await readBody(req);
    if (body === undefined) return problem(413, "The body is over 64 KB.");
  }
  const type = req.headers["content-type"] ?? "";
  const hasBody =
    Number(req.headers["content-length"] ?? 0) > 0 ||
    req.headers["transfer-encoding"] !== undefined;
  if (hasBody && !HAS_JSON_TYPE.test(type))
    return problem(415, "Send the body as JSON, with Content-Type: application/json.");
  const pathUser = decode((list ?? complete)?.[1] ?? "");
  if (pathUser !== "me" && pathUser !== userId)
    return problem(
      403,
      'You can only see and change your own tasks: use your own user id, or "me".',
    );

  if (method === "GET") return listTasks(userId, url.searchParams);
  let id = 0;
  if (complete) {
    const issues: Issue[] = [];
    id = int(issues, "id", decode(complete[2] ?? ""), 1, 2_147_483_647) as number;
    if (issues.length) return invalid("param", issues);
  }
  if (type && !JSON_MEDIA_TYPE.test(type)) return problem(415, "Unsupported Media Type");
  let json: unknown = {};
  if (type) {
    try {
      json = JSON.parse(body);
    } catch {
      return problem(400, "Malformed JSON in request body");
    }
  }
  if (method === "POST") {
    const result = newTask(json);
    return "issues" in result ? invalid("body", result.issues) : createTask(userId, result.input);
  }
  if (!type) return setCompletion(userId, id, undefined); // no body: toggle
  const issues: Issue[] = [];
  if (!isObject(json)) issues.push({ path: "", message: expected("object", json) });
  else {
    if (typeof json.is_completed !== "boolean")
      issues.push({ path: "is_completed", message: expected("boolean", json.is_completed) });
    unknownKeys(issues, json, ["is_completed"]);
  }
  if (issues.length) return invalid("body", issues);
  return setCompletion(userId, id, (json as { is_completed: boolean }).is_completed);
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const incoming = req.headers["x-request-id"];
  const requestId =
    typeof incoming === "string" && /^[\w\-=]{1,255}$/.test(incoming) ? incoming : randomUUID();
  let reply: Reply;
  try {
    reply = await route(req);
  } catch (error) {
    // Every foreign key points at users: the token's account was deleted (as ours answers).
    if ((error as { code?: string }).code === "23503") {
      reply = problem(
        401,
        "The account this credential belongs to no longer exists.",
        {},
        {
          "WWW-Authenticate":
            'Bearer error="invalid_token", error_description="the account no longer exists"',
        },
      );
    } else {
      console.error(requestId, error);
      reply = problem(500, "Something went wrong on our side.");
    }
  }
  const { status, headers = {} } = reply;
  let body = reply.body;
  if (headers["Content-Type"] === "application/problem+json")
    body = { ...(body as object), request_id: requestId };
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    ...SECURITY_HEADERS,
    ...(req.url?.startsWith("/api/") && { Vary: "Origin" }),
    ...headers,
    "Content-Length": Buffer.byteLength(text),
    "X-Request-Id": requestId,
  });
  res.end(text);
}

// The headers ours sends on every response (Hono's secureHeaders, as app.ts configures it; CORS
// adds Vary on /api), so that both answer the same bytes.
const SECURITY_HEADERS: Record<string, string> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Origin-Agent-Cluster": "?1",
  "Referrer-Policy": "no-referrer",
  ...(process.env.NODE_ENV === "production" && {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
  }),
  "X-Content-Type-Options": "nosniff",
  "X-DNS-Prefetch-Control": "off",
  "X-Download-Options": "noopen",
  "X-Frame-Options": "DENY",
  "X-Permitted-Cross-Domain-Policies": "none",
  "X-XSS-Protection": "0",
};

const server = createServer((req, res) => void handle(req, res));
server.listen(PORT, "127.0.0.1", () => {
  const address = server.address();
  console.log(
    `listening on http://127.0.0.1:${typeof address === "object" && address ? address.port : PORT}`,
  );
});
const shutdown = () => {
  setTimeout(() => process.exit(1), 10_000).unref();
  server.close(
    () =>
      void revocations
        .stop()
        .then(() => pool.end())
        .then(() => process.exit(0)),
  );
  server.closeIdleConnections();
};
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
