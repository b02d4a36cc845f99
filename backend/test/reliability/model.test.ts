// Model-based isolation test (issue 7, part 1): random sequences of API commands by three users,
// each checked against a small in-memory model of every user's tasks. A command on another user's
// task must be a 404 that changes nothing, another user's id in the path a 403, a stale If-Match a
// 412; every response must be what the model predicts, match the OpenAPI contract, and never show
// another user's task; after every command the database must hold exactly the model's tasks.
// A failure prints fast-check's seed: FC_SEED=<seed> replays the run and shrinks it again; adding
// FC_PATH=<path> and FC_REPLAY_PATH=<the counterexample's replayPath> goes straight to the shrunk case.
import { randomUUID } from "node:crypto";
import { inArray } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.ts";
import { type Task, tasks } from "../../src/db/schema.ts";
import { Browser } from "../browser.ts";
import { expectMatchesContract } from "../contract.ts";
import {
  APP_ORIGIN,
  databaseKind,
  openTestDatabase,
  startTestServer,
  type TestServer,
  testConfig,
  uniqueEmail,
} from "../helpers.ts";
import { recordFigures, size } from "./suite.ts";

const RUNS = size(25, 1_000);
const MAX_COMMANDS = size(40, 50);
const TIMEOUT_MS = size(60_000, 60 * 60_000);

const PASSWORD = "a long unusual passphrase 42";
/** An id no task will ever have (identities count up from 1); 404 for everyone. */
const INT_MAX = 2_147_483_647;
const PRIORITIES = ["none", "low", "medium", "high"] as const;

interface ApiUser {
  id: string;
  email: string;
  browser: Browser;
  token: string;
  tokenAt: number;
}

let database: Database;
let server: TestServer;
let users: ApiUser[] = [];
/** A user id that is nobody's: in the path, 403 like another user's. */
const stranger = randomUUID();
/** Ids of our tasks deleted so far, in this run or by an earlier run's reset. */
const gone: number[] = [];
const figures = { runs: 0, commands: 0, requests: 0, statuses: new Map<number, number>() };

beforeAll(async () => {
  database = await openTestDatabase();
  // The per-user API limit (600 a minute) is on in tests; these users send thousands a minute.
  // Wrong sign-ins (the sign-in command) never lock an account here: the lock has tests of its own.
  server = await startTestServer(
    database,
    testConfig({
      API_RATE_LIMIT_MAX: 1_000_000,
      SIGN_IN_FAILURES_MAX: 1_000_000,
      SIGN_IN_FAILURES_ACCOUNT_MAX: 1_000_000,
    }),
  );
  // Signed up once per file: each sign-up costs ~100 ms of scrypt.
  users = await Promise.all(
    [0, 1, 2].map(async () => {
      const browser = new Browser(server.url);
      const email = uniqueEmail("model");
      const signUp = await browser.signUp(email, PASSWORD);
      expect(signUp.status).toBe(200);
      const { user } = (await signUp.json()) as { user: { id: string } };
      return { id: user.id, email, browser, token: await tokenFor(browser), tokenAt: Date.now() };
    }),
  );
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function tokenFor(browser: Browser): Promise<string> {
  const response = await browser.get("/api/auth/token");
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

// ---- The model ----

interface Model {
  /** Every live task of the three users, as the API must show it. */
  tasks: Map<number, Task>;
  /**
   * Tasks a bulk change just changed: only the database tells their new updated_at. The value says
   * whether completed_at becomes that updated_at (a pending task completed).
   */
  learn: Map<number, boolean>;
}

const userOf = (index: number): ApiUser => {
  const user = users[index];
  if (!user) throw new Error(`no user ${index}`);
  return user;
};
const ownTasks = (model: Model, user: number) =>
  [...model.tasks.values()].filter((task) => task.user_id === userOf(user).id);
const ownTask = (model: Model, user: number, id: number) => {
  const task = model.tasks.get(id);
  return task?.user_id === userOf(user).id ? task : undefined;
};
const etagOf = (task: Task) => `"${task.version}"`;

/** A timestamp as microseconds since the epoch (exact: well under 2^53), to order and compare. */
function micros(iso: string): number {
  const [whole = "", fraction = ""] = iso.replace("Z", "").split(".");
  return Date.parse(`${whole}Z`) * 1000 + Number(fraction.padEnd(6, "0"));
}

/** A due date as the API gives it back: UTC, as Postgres prints it (no trailing zeros in the fraction). */
const storedDue = (due: string | null) =>
  due === null ? null : new Date(due).toISOString().replace(/\.?0+Z$/, "Z");
/** Tags as stored: trimmed, the first of each duplicate kept. */
const storedTags = (tags: string[]) => [...new Set(tags.map((tag) => tag.trim()))];

/** What the server stores for these client fields (trimmed, normalized). */
function stored(fields: Partial<NewFields>): Partial<Task> {
  const result: Partial<Task> = { ...fields } as Partial<Task>;
  if (fields.title !== undefined) result.title = fields.title.trim();
  if (fields.tags !== undefined) result.tags = storedTags(fields.tags);
  if (fields.due_at !== undefined) result.due_at = storedDue(fields.due_at);
  return result;
}

// ---- Commands' inputs ----

// Titles are ASCII: the natural sort key then sorts alike under any collation. Numbers test the
// natural order ("#19" before "#103").
const TITLES = [
  "milk",
  "Milk",
  "bread",
  "eggs",
  "tea",
  "TEA",
  "apple",
  "zebra",
  " milk ",
  "tea  ",
  "#19",
  "#103",
  "task 9",
  "Task 10",
  "#007",
];
const DESCRIPTIONS = ["", "buy milk", "50% off", "snake_case", "back\\slash", "Bread and TEA"];
const TAGS = ["home", "work", "Work", " urgent ", "a%b", "x_y"];
const SEARCHES = [
  "milk",
  "MILK",
  "%",
  "_",
  "\\",
  "ea",
  "bread and",
  " tea ",
  "nowhere",
  "tea milk",
  "work",
  "a%b milk",
  "1",
  "#1",
];
const TAG_FILTERS = ["home", "work", "Work", "urgent", " home ", "a%b", "nope"];
const SORTS = ["created", "-created", "due", "-due", "priority", "-priority", "title", "-title"];
const ALL_SORTS = [...SORTS, "position"] as const;
const TIME_ZONES = ["UTC", "Europe/Paris", "Asia/Kolkata", "Pacific/Kiritimati"];

// Due dates are years away from now, so the overdue / today / upcoming filters are certain.
const YEAR_S = 365 * 86_400;
const PAST_S = Date.UTC(2000, 0, 1) / 1000;
const FUTURE_S = Date.UTC(2090, 0, 1) / 1000;
const dueArb = fc
  .record({
    future: fc.boolean(),
    seconds: fc.integer({ min: 0, max: 10 * YEAR_S }),
    millis: fc.constantFrom(0, 0, 100, 120, 123, 999),
    form: fc.constantFrom("utc", "offset"),
  })
  .map(({ future, seconds, millis, form }) => {
    const instant = ((future ? FUTURE_S : PAST_S) + seconds) * 1000 + millis;
    if (form === "utc") return new Date(instant).toISOString().replace(".000Z", "Z");
    // The same instant written in +05:30.
    const local = new Date(instant + 5.5 * 3_600_000).toISOString();
    return `${local.slice(0, 23)}+05:30`;
  });

const newFieldsArb = fc.record(
  {
    title: fc.constantFrom(...TITLES),
    description: fc.constantFrom(...DESCRIPTIONS),
    is_completed: fc.boolean(),
    priority: fc.constantFrom(...PRIORITIES),
    due_at: fc.option(dueArb, { nil: null }),
    tags: fc.array(fc.constantFrom(...TAGS), { maxLength: 4 }),
    position: fc.integer({ min: -4, max: 20 }).map((n) => n / 2),
  },
  { requiredKeys: ["title"] },
);
type NewFields = {
  title: string;
  description?: string;
  is_completed?: boolean;
  priority?: Task["priority"];
  due_at?: string | null;
  tags?: string[];
  position?: number;
};
const changesArb = fc
  .record(
    {
      title: fc.constantFrom(...TITLES),
      description: fc.constantFrom(...DESCRIPTIONS),
      is_completed: fc.boolean(),
      priority: fc.constantFrom(...PRIORITIES),
      due_at: fc.option(dueArb, { nil: null }),
      tags: fc.array(fc.constantFrom(...TAGS), { maxLength: 4 }),
      position: fc.integer({ min: -4, max: 20 }).map((n) => n / 2),
    },
    { requiredKeys: [] },
  )
  .filter((changes) => Object.keys(changes).length > 0);

/** Whose tasks the path names: the caller ("me" or their id), another user, or nobody. */
type PathKind = "me" | "own" | "other" | "stranger";
interface Caller {
  user: number;
  path: PathKind;
}
const callerArb: fc.Arbitrary<Caller> = fc.record({
  // Uneven, so that one user gets lists long enough to take several pages.
  user: fc.oneof(
    { arbitrary: fc.constant(0), weight: 3 },
    { arbitrary: fc.constant(1), weight: 2 },
    { arbitrary: fc.constant(2), weight: 1 },
  ),
  path: fc.oneof(
    { arbitrary: fc.constant<PathKind>("me"), weight: 12 },
    { arbitrary: fc.constant<PathKind>("own"), weight: 5 },
    { arbitrary: fc.constant<PathKind>("other"), weight: 1 },
    { arbitrary: fc.constant<PathKind>("stranger"), weight: 1 },
  ),
});
const isForeign = (caller: Caller) => caller.path === "other" || caller.path === "stranger";
const segmentOf = (caller: Caller): string =>
  ({
    me: "me",
    own: userOf(caller.user).id,
    other: userOf((caller.user + 1) % 3).id,
    stranger,
  })[caller.path];

/**
 * Which task a command aims at, resolved when it runs (so a shrunk sequence still aims well): one
 * of the caller's tasks, another user's, a deleted one, or one that never existed.
 */
interface Target {
  kind: "own" | "other" | "deleted" | "never";
  pick: number;
}
const targetArb: fc.Arbitrary<Target> = fc.record({
  kind: fc.oneof(
    { arbitrary: fc.constant<Target["kind"]>("own"), weight: 8 },
    { arbitrary: fc.constant<Target["kind"]>("other"), weight: 2 },
    { arbitrary: fc.constant<Target["kind"]>("deleted"), weight: 1 },
    { arbitrary: fc.constant<Target["kind"]>("never"), weight: 1 },
  ),
  pick: fc.nat(1_000),
});
function resolve(model: Model, user: number, target: Target): number {
  const me = userOf(user).id;
  const own = ownTasks(model, user).map((task) => task.id);
  const others = [...model.tasks.values()]
    .filter((task) => task.user_id !== me)
    .map((task) => task.id);
  // An empty pool falls through to the next: another user's task is the more telling 404.
  const pools = { own: [own, others, gone], other: [others, gone], deleted: [gone], never: [] }[
    target.kind
  ];
  const pool = pools.find((ids) => ids.length > 0) ?? [];
  return pool[target.pick % Math.max(pool.length, 1)] ?? INT_MAX - (target.pick % 100);
}

type IfMatch = "none" | "current" | "weak" | "star" | "stale";
const ifMatchArb = fc.oneof(
  { arbitrary: fc.constant<IfMatch>("none"), weight: 4 },
  { arbitrary: fc.constant<IfMatch>("current"), weight: 2 },
  { arbitrary: fc.constant<IfMatch>("weak"), weight: 1 },
  { arbitrary: fc.constant<IfMatch>("star"), weight: 1 },
  { arbitrary: fc.constant<IfMatch>("stale"), weight: 2 },
);
/** The If-Match header, from the version the model knows (another user's too: it must not matter). */
function ifMatchHeader(ifMatch: IfMatch, task: Task | undefined): Record<string, string> {
  const version = task?.version ?? 1;
  const value = {
    none: undefined,
    current: `"${version}"`,
    weak: `W/"${version}"`,
    star: "*",
    stale: `"${version > 1 ? version - 1 : version + 1}"`,
  }[ifMatch];
  return value === undefined ? {} : { "If-Match": value };
}

// ---- HTTP ----

interface Reply {
  what: string;
  status: number;
  etag: string | null;
  location: string | null;
  body: unknown;
}

/** One request by `caller` to /api/{segment}/tasks{suffix}, checked against the contract. */
async function call(
  caller: Caller,
  method: string,
  suffix: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const user = userOf(caller.user);
  const url = `${server.url}/api/${segmentOf(caller)}/tasks${suffix}`;
  const response = await fetch(url, {
    method,
    headers: {
      Authorization: `Bearer ${user.token}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  figures.requests++;
  figures.statuses.set(response.status, (figures.statuses.get(response.status) ?? 0) + 1);
  await expectMatchesContract(method, url, response);
  const text = await response.text();
  const parsed: unknown = text === "" ? null : JSON.parse(text);
  const what = `user ${caller.user} ${method} ${new URL(url).pathname}${new URL(url).search}`;
  expectNoTaskOfAnother(parsed, user.id, what);
  return {
    what,
    status: response.status,
    etag: response.headers.get("etag"),
    location: response.headers.get("location"),
    body: parsed,
  };
}

/** Every task anywhere in a response (a list, a 412's `task`) must be the caller's. */
function expectNoTaskOfAnother(value: unknown, userId: string, what: string): void {
  if (Array.isArray(value)) {
    for (const item of value) expectNoTaskOfAnother(item, userId, what);
  } else if (typeof value === "object" && value !== null) {
    if ("user_id" in value) expect(value.user_id, `${what}: another user's task`).toBe(userId);
    for (const item of Object.values(value)) expectNoTaskOfAnother(item, userId, what);
  }
}

function expectStatus(reply: Reply, status: number): void {
  expect(`${reply.what} → ${reply.status} ${JSON.stringify(reply.body)}`).toBe(
    `${reply.what} → ${status} ${JSON.stringify(reply.body)}`,
  );
}

/** A problem answer with this status (the contract checked its shape already). */
function expectProblem(reply: Reply, status: number): { detail?: string; task?: Task } {
  expectStatus(reply, status);
  expect((reply.body as { status: number }).status).toBe(status);
  return reply.body as { detail?: string; task?: Task };
}

/** Another user's id in the path: 403 whatever the rest of the request. */
function refused(caller: Caller, reply: Reply): boolean {
  if (!isForeign(caller)) return false;
  expectProblem(reply, 403);
  return true;
}

/** A 200 with the task changed as `fields` say: version +1, a new updated_at. */
function expectChanged(model: Model, reply: Reply, old: Task, fields: Partial<Task>): void {
  expectStatus(reply, 200);
  const body = reply.body as Task;
  expect(micros(body.updated_at)).toBeGreaterThanOrEqual(micros(old.updated_at));
  const isCompleted = fields.is_completed ?? old.is_completed;
  const expected: Task = {
    ...old,
    ...fields,
    version: old.version + 1,
    updated_at: body.updated_at,
    // Set when the task is completed (kept if it already was), cleared when it is reopened.
    completed_at: isCompleted ? (old.completed_at ?? body.updated_at) : null,
  };
  expect(body, reply.what).toEqual(expected);
  expect(reply.etag).toBe(etagOf(expected));
  model.tasks.set(old.id, expected);
}

/**
 * A change to one task that may carry If-Match: another user's task or no task is 404 (never
 * 412: that would show another user's task), a stale version 412 with the task as it is.
 */
async function conditional(
  model: Model,
  caller: Caller,
  target: Target,
  ifMatch: IfMatch,
  send: (id: number, headers: Record<string, string>) => Promise<Reply>,
  onChanged: (old: Task, reply: Reply) => void,
): Promise<void> {
  const id = resolve(model, caller.user, target);
  const old = ownTask(model, caller.user, id);
  const reply = await send(id, ifMatchHeader(ifMatch, model.tasks.get(id)));
  if (refused(caller, reply)) return;
  if (!old) {
    expectProblem(reply, 404);
    return;
  }
  if (ifMatch === "stale") {
    const problem = expectProblem(reply, 412);
    expect(problem.task, reply.what).toEqual(old);
    expect(reply.etag).toBe(etagOf(old));
    return;
  }
  onChanged(old, reply);
}

/** After every command the database holds exactly the model's tasks of the three users. */
async function expectDatabaseMatches(model: Model): Promise<void> {
  const rows = await database.db
    .select()
    .from(tasks)
    .where(
      inArray(
        tasks.user_id,
        users.map((user) => user.id),
      ),
    );
  for (const [id, completedNow] of model.learn) {
    const task = model.tasks.get(id);
    const row = rows.find((r) => r.id === id);
    if (!task || !row) continue; // the comparison below reports it
    expect(micros(row.updated_at)).toBeGreaterThanOrEqual(micros(task.updated_at));
    task.updated_at = row.updated_at;
    if (completedNow) task.completed_at = row.updated_at;
  }
  model.learn.clear();
  const byId = (a: Task, b: Task) => a.id - b.id;
  expect(rows.sort(byId), "the database").toEqual([...model.tasks.values()].sort(byId));
}

// ---- Commands ----

type Real = Record<string, never>;

/** One API command: `action` sends it and checks the answer against the model, then updates it. */
class Command implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly label: string,
    readonly action: (model: Model) => Promise<void>,
  ) {}
  check = () => true;
  async run(model: Model): Promise<void> {
    figures.commands++;
    await this.action(model);
    await expectDatabaseMatches(model);
  }
  toString = () => this.label;
}

const show = (caller: Caller, ...rest: unknown[]) =>
  [`u${caller.user}/${caller.path}`, ...rest.map((value) => JSON.stringify(value))].join(" ");

const createCommand = fc.record({ caller: callerArb, fields: newFieldsArb }).map(
  ({ caller, fields }) =>
    new Command(`create ${show(caller, fields)}`, async (model) => {
      const reply = await call(caller, "POST", "", fields);
      if (refused(caller, reply)) return;
      expectStatus(reply, 201);
      const body = reply.body as Task;
      expect(model.tasks.has(body.id)).toBe(false);
      const positions = ownTasks(model, caller.user).map((task) => task.position);
      const isCompleted = fields.is_completed ?? false;
      const expected: Task = {
        id: body.id,
        user_id: userOf(caller.user).id,
        title: fields.title.trim(),
        description: "",
        is_completed: isCompleted,
        // Set in the same statement as created_at, so the same now().
        completed_at: isCompleted ? body.created_at : null,
        priority: "none",
        due_at: null,
        tags: [],
        // New tasks go last in the manual order unless a position is given.
        position: (positions.length > 0 ? Math.max(...positions) : 0) + 1,
        version: 1,
        created_at: body.created_at,
        updated_at: body.created_at,
        ...stored(fields),
      };
      expect(body, reply.what).toEqual(expected);
      expect(reply.etag).toBe('"1"');
      expect(reply.location).toBe(`/api/${expected.user_id}/tasks/${expected.id}`);
      model.tasks.set(expected.id, expected);
    }),
);

// Up to two filters at a time (more would leave nothing to list), and mostly small pages, so that
// lists often take several pages.
const listQueryArb = fc
  .record({
    filters: fc.oneof(
      fc.constant([]),
      fc.subarray(["status", "q", "tag", "priority", "due"] as const, { maxLength: 2 }),
    ),
    status: fc.constantFrom("all", "pending", "completed"),
    q: fc.constantFrom(...SEARCHES),
    tag: fc.constantFrom(...TAG_FILTERS),
    priority: fc.constantFrom(...PRIORITIES),
    due: fc.constantFrom("overdue", "today", "upcoming", "none"),
    tz: fc.option(fc.constantFrom(...TIME_ZONES), { nil: undefined }),
    sort: fc.option(fc.constantFrom(...ALL_SORTS), { nil: undefined }),
    limit: fc.option(
      fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 2 }), weight: 4 },
        { arbitrary: fc.integer({ min: 1, max: 100 }), weight: 1 },
      ),
      { nil: undefined, freq: 6 },
    ),
  })
  .map(({ filters, status, q, tag, priority, due, ...rest }) => {
    const chosen = { status, q, tag, priority, due };
    const query: Partial<typeof chosen> & Omit<typeof rest, never> = { ...rest };
    for (const filter of filters) Object.assign(query, { [filter]: chosen[filter] });
    return query;
  });
type ListQuery = typeof listQueryArb extends fc.Arbitrary<infer T> ? T : never;

/** Whether a task passes the list filters. The due dates are years away, so "today" is never. */
function passes(task: Task, query: ListQuery, now: number): boolean {
  const due = task.due_at === null ? null : Date.parse(task.due_at);
  // Every word of q, each anywhere in the title, description or a tag (never across two).
  const words = query.q?.trim().toLowerCase().split(/\s+/).filter(Boolean) ?? [];
  const fields = [task.title, task.description, ...task.tags].map((field) => field.toLowerCase());
  const tag = query.tag?.trim();
  return (
    (query.status !== "pending" || !task.is_completed) &&
    (query.status !== "completed" || task.is_completed) &&
    words.every((word) => fields.some((field) => field.includes(word))) &&
    (!tag || task.tags.includes(tag)) &&
    (!query.priority || task.priority === query.priority) &&
    (query.due !== "overdue" || (due !== null && due < now && !task.is_completed)) &&
    query.due !== "today" &&
    (query.due !== "upcoming" || (due !== null && due > now)) &&
    (query.due !== "none" || due === null)
  );
}

/** The order a sort promises: by its key, then by id, both reversed by a leading "-". */
function byListSort(sort: string) {
  const descending = sort.startsWith("-");
  const keyOf: Record<string, (task: Task) => number | string> = {
    created: (task) => micros(task.created_at),
    due: (task) => (task.due_at === null ? Number.POSITIVE_INFINITY : Date.parse(task.due_at)),
    priority: (task) => PRIORITIES.indexOf(task.priority),
    // Natural order: each run of digits padded to 20 digits (the index's expression).
    title: (task) =>
      task.title
        .toLowerCase()
        .replace(/[0-9]+/g, (digits) =>
          `${"0".repeat(20)}${digits}`.replace(/^0*(\d{20,})$/, "$1"),
        ),
    position: (task) => task.position,
  };
  const key = keyOf[sort.replace("-", "")];
  if (!key) throw new Error(`unknown sort ${sort}`);
  return (a: Task, b: Task) => {
    const [x, y] = [key(a), key(b)];
    const order = x < y ? -1 : x > y ? 1 : a.id - b.id;
    return descending ? -order : order;
  };
}

const listCommand = fc.record({ caller: callerArb, query: listQueryArb }).map(
  ({ caller, query }) =>
    new Command(`list ${show(caller, query)}`, async (model) => {
      const expected = ownTasks(model, caller.user)
        .filter((task) => passes(task, query, Date.now()))
        .sort(byListSort(query.sort ?? "created"));
      const limit = query.limit ?? 50;
      const params = new URLSearchParams(
        Object.entries(query)
          .filter(([, value]) => value !== undefined)
          .map(([name, value]): [string, string] => [name, String(value)]),
      );
      // Every page, following next_cursor: together they are the whole filtered list, in order.
      let cursor: string | null = null;
      let offset = 0;
      do {
        const page = new URLSearchParams(params);
        if (cursor) page.set("cursor", cursor);
        const reply = await call(caller, "GET", `?${page}`);
        if (refused(caller, reply)) return;
        expectStatus(reply, 200);
        const body = reply.body as { items: Task[]; next_cursor: string | null };
        expect(body.items, reply.what).toEqual(expected.slice(offset, offset + limit));
        offset += limit;
        expect(body.next_cursor !== null, `${reply.what}: more pages follow`).toBe(
          offset < expected.length,
        );
        cursor = body.next_cursor;
      } while (cursor);
    }),
);

const getCommand = fc
  .record({ caller: callerArb, target: targetArb, ifNoneMatch: fc.boolean() })
  .map(
    ({ caller, target, ifNoneMatch }) =>
      new Command(`get ${show(caller, target, { ifNoneMatch })}`, async (model) => {
        const id = resolve(model, caller.user, target);
        const task = ownTask(model, caller.user, id);
        const other = model.tasks.get(id);
        const headers: Record<string, string> =
          ifNoneMatch && other ? { "If-None-Match": etagOf(other) } : {};
        const reply = await call(caller, "GET", `/${id}`, undefined, headers);
        if (refused(caller, reply)) return;
        if (!task) {
          expectProblem(reply, 404);
          return;
        }
        expectStatus(reply, ifNoneMatch ? 304 : 200);
        expect(reply.body, reply.what).toEqual(ifNoneMatch ? null : task);
        expect(reply.etag).toBe(etagOf(task));
      }),
  );

const replaceCommand = fc
  .record({ caller: callerArb, target: targetArb, ifMatch: ifMatchArb, fields: newFieldsArb })
  .map(
    ({ caller, target, ifMatch, fields }) =>
      new Command(`replace ${show(caller, target, ifMatch, fields)}`, (model) =>
        conditional(
          model,
          caller,
          target,
          ifMatch,
          (id, headers) => call(caller, "PUT", `/${id}`, fields, headers),
          (old, reply) =>
            // Fields left out get their defaults, except position, which is kept.
            expectChanged(model, reply, old, {
              description: "",
              is_completed: false,
              priority: "none",
              due_at: null,
              tags: [],
              ...stored(fields),
            }),
        ),
      ),
  );

const updateCommand = fc
  .record({ caller: callerArb, target: targetArb, ifMatch: ifMatchArb, changes: changesArb })
  .map(
    ({ caller, target, ifMatch, changes }) =>
      new Command(`update ${show(caller, target, ifMatch, changes)}`, (model) =>
        conditional(
          model,
          caller,
          target,
          ifMatch,
          (id, headers) => call(caller, "PATCH", `/${id}`, changes, headers),
          (old, reply) => expectChanged(model, reply, old, stored(changes)),
        ),
      ),
  );

const completeCommand = fc
  .record({
    caller: callerArb,
    target: targetArb,
    ifMatch: ifMatchArb,
    set: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map(
    ({ caller, target, ifMatch, set }) =>
      new Command(`complete ${show(caller, target, ifMatch, set ?? "toggle")}`, (model) =>
        conditional(
          model,
          caller,
          target,
          ifMatch,
          (id, headers) =>
            call(
              caller,
              "PATCH",
              `/${id}/complete`,
              set === undefined ? undefined : { is_completed: set },
              headers,
            ),
          (old, reply) =>
            expectChanged(model, reply, old, { is_completed: set ?? !old.is_completed }),
        ),
      ),
  );

const deleteCommand = fc.record({ caller: callerArb, target: targetArb, ifMatch: ifMatchArb }).map(
  ({ caller, target, ifMatch }) =>
    new Command(`delete ${show(caller, target, ifMatch)}`, (model) =>
      conditional(
        model,
        caller,
        target,
        ifMatch,
        (id, headers) => call(caller, "DELETE", `/${id}`, undefined, headers),
        (old, reply) => {
          expectStatus(reply, 204);
          expect(reply.body).toBeNull();
          model.tasks.delete(old.id);
          gone.push(old.id);
        },
      ),
    ),
);

const bulkCommand = fc
  .record({
    caller: callerArb,
    action: fc.constantFrom("complete", "uncomplete", "delete"),
    targets: fc.array(targetArb, { minLength: 1, maxLength: 4 }),
  })
  .map(
    ({ caller, action, targets }) =>
      new Command(`bulk ${show(caller, action, targets)}`, async (model) => {
        const ids = targets.map((target) => resolve(model, caller.user, target));
        const reply = await call(caller, "POST", "/bulk", { action, ids });
        if (refused(caller, reply)) return;
        const wanted = [...new Set(ids)];
        const missing = wanted.filter((id) => !ownTask(model, caller.user, id));
        if (missing.length > 0) {
          // All or nothing: one id that is not the caller's task and nothing changes.
          const problem = expectProblem(reply, 404);
          expect(problem.detail?.match(/\d+/g)?.map(Number), reply.what).toEqual(missing);
          return;
        }
        expectStatus(reply, 200);
        expect(reply.body).toEqual({ action, ids: [...wanted].sort((a, b) => a - b) });
        for (const id of wanted) {
          const task = ownTask(model, caller.user, id);
          if (!task) continue;
          if (action === "delete") {
            model.tasks.delete(id);
            gone.push(id);
            continue;
          }
          const completed = action === "complete";
          model.learn.set(id, completed && !task.is_completed);
          model.tasks.set(id, {
            ...task,
            is_completed: completed,
            completed_at: completed ? task.completed_at : null,
            version: task.version + 1,
          });
        }
      }),
  );

const statsCommand = callerArb.map(
  (caller) =>
    new Command(`stats ${show(caller)}`, async (model) => {
      const own = ownTasks(model, caller.user);
      const now = Date.now();
      const completed = own.filter((task) => task.is_completed).length;
      const overdue = own.filter(
        (task) => !task.is_completed && task.due_at !== null && Date.parse(task.due_at) < now,
      ).length;
      const reply = await call(caller, "GET", "/stats");
      if (refused(caller, reply)) return;
      expectStatus(reply, 200);
      expect(reply.body).toEqual({
        total: own.length,
        pending: own.length - completed,
        completed,
        overdue,
      });
    }),
);

/**
 * A sign-in beside the task commands: a wrong password is 401, the right one in any encoding but
 * JSON is 415 (no session), the right one in JSON 200. None of them may change anyone's tasks
 * (checked after every command), nor the users' tokens.
 */
const signInCommand = fc
  .record({
    user: fc.integer({ min: 0, max: 2 }),
    attempt: fc.constantFrom("wrong password", "right password", "form", "multipart", "text"),
  })
  .map(
    ({ user, attempt }) =>
      new Command(`sign-in u${user} ${attempt}`, async () => {
        const { email } = userOf(user);
        const password = attempt === "wrong password" ? `${PASSWORD}!` : PASSWORD;
        const form = new FormData();
        form.set("email", email);
        form.set("password", password);
        const json = JSON.stringify({ email, password });
        const sent: Record<typeof attempt, { body: RequestInit["body"]; type?: string }> = {
          "wrong password": { body: json, type: "application/json" },
          "right password": { body: json, type: "application/json" },
          form: {
            body: new URLSearchParams({ email, password }),
            type: "application/x-www-form-urlencoded",
          },
          multipart: { body: form }, // fetch sets the type, with its boundary
          text: { body: json, type: "text/plain" },
        };
        const { body, type } = sent[attempt];
        const response = await fetch(`${server.url}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { Origin: APP_ORIGIN, ...(type ? { "Content-Type": type } : {}) },
          body,
        });
        figures.requests++;
        figures.statuses.set(response.status, (figures.statuses.get(response.status) ?? 0) + 1);
        const expected =
          attempt === "wrong password" ? 401 : attempt === "right password" ? 200 : 415;
        expect(`sign-in u${user} ${attempt} → ${response.status}`).toBe(
          `sign-in u${user} ${attempt} → ${expected}`,
        );
        expect(response.headers.getSetCookie().length > 0).toBe(expected === 200);
        await response.body?.cancel();
      }),
  );

const commandArb = fc.oneof(
  { arbitrary: createCommand, weight: 8 },
  { arbitrary: listCommand, weight: 4 },
  { arbitrary: getCommand, weight: 2 },
  { arbitrary: replaceCommand, weight: 2 },
  { arbitrary: updateCommand, weight: 3 },
  { arbitrary: completeCommand, weight: 3 },
  { arbitrary: bulkCommand, weight: 2 },
  { arbitrary: deleteCommand, weight: 2 },
  { arbitrary: statsCommand, weight: 1 },
  { arbitrary: signInCommand, weight: 1 },
);

/** A run starts from no tasks: the three users' tasks are deleted directly in the database. */
async function freshModel(): Promise<{ model: Model; real: Real }> {
  figures.runs++;
  for (const user of users) {
    // A full run outlasts a JWT's 15 minutes: a new one from the session well before it expires.
    if (Date.now() - user.tokenAt > 5 * 60_000) {
      user.token = await tokenFor(user.browser);
      user.tokenAt = Date.now();
    }
  }
  const removed = await database.db
    .delete(tasks)
    .where(
      inArray(
        tasks.user_id,
        users.map((user) => user.id),
      ),
    )
    .returning({ id: tasks.id });
  gone.push(...removed.map((row) => row.id));
  return { model: { tasks: new Map(), learn: new Map() }, real: {} };
}

/** fast-check's seed and path of a failure, to replay it. */
function replay(): fc.Parameters<unknown> {
  const { FC_SEED: seed, FC_PATH: path } = process.env;
  return {
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(path === undefined ? {} : { path }),
  };
}
/** The commands' own replay path, printed in the counterexample (the commands that really ran). */
const replayPath = process.env.FC_REPLAY_PATH;

describe(`model-based isolation between three users (${databaseKind})`, () => {
  it(
    `${RUNS} runs of up to ${MAX_COMMANDS} random commands match the model`,
    async () => {
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(
          fc.commands([commandArb], {
            maxCommands: MAX_COMMANDS,
            size: "max",
            ...(replayPath === undefined ? {} : { replayPath }),
          }),
          (commands) => fc.asyncModelRun(freshModel, commands),
        ),
        { numRuns: RUNS, ...replay() },
      );
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      const statuses = [...figures.statuses].sort(([a], [b]) => a - b);
      console.log(
        `model (${databaseKind}): ${figures.runs} runs, ${figures.commands} commands, ` +
          `${figures.requests} requests, 0 divergences, ${seconds} s; statuses ` +
          statuses.map(([status, count]) => `${status}×${count}`).join(" "),
      );
      recordFigures("model", {
        runs: figures.runs,
        commands: figures.commands,
        requests: figures.requests,
        divergences: 0,
        seconds,
        ...Object.fromEntries(statuses.map(([status, count]) => [`${status} answers`, count])),
      });
    },
    TIMEOUT_MS,
  );
});
