// The tasks API over real HTTP and a real database (DESIGN.md §6): every endpoint, the list filters,
// isolation between users, validation, error responses, concurrency, idempotency, headers and the
// per-user rate limit.
import { randomUUID } from "node:crypto";
import type { Problem } from "@todo/contract/problem";
import { SORTS } from "@todo/contract/tasks";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser } from "../../test/browser.ts";
import { expectMatchesContract } from "../../test/contract.ts";
import {
  APP_ORIGIN,
  databaseKind,
  openTestDatabase,
  startTestServer,
  type TestServer,
  testConfig,
  uniqueEmail,
} from "../../test/helpers.ts";
import type { Database } from "../db/client.ts";
import type { Task } from "../db/schema.ts";
import { SEARCH_WAIT_MS, SEARCHES_IN_FLIGHT, SEARCHES_PER_USER } from "./tasks.index.ts";

let database: Database;
let server: TestServer;

beforeAll(async () => {
  database = await openTestDatabase();
  server = await startTestServer(database);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

/** The caller's own tasks. */
const TASKS = "/api/me/tasks";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Call = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Response>;

interface ApiUser {
  id: string;
  token: string;
  /** A request with this user's bearer token; a body is sent as JSON. */
  call: Call;
  /** Creates a task (expecting 201) and returns it. */
  create: (fields?: Record<string, unknown>) => Promise<Task>;
  /** GETs a task (expecting 200). */
  get: (id: number) => Promise<Task>;
  /** The items of GET /api/me/tasks?<query> (expecting 200). */
  list: (query?: string) => Promise<Task[]>;
}

/** Signs a new user up, and exchanges the session cookie for a bearer token. */
async function newUser(baseUrl = server.url): Promise<ApiUser> {
  const browser = new Browser(baseUrl);
  const signUp = await browser.signUp(uniqueEmail("tasks"));
  expect(signUp.status).toBe(200);
  const { user } = (await signUp.json()) as { user: { id: string } };
  const tokenResponse = await browser.get("/api/auth/token");
  expect(tokenResponse.status).toBe(200);
  const { token } = (await tokenResponse.json()) as { token: string };

  // Every response is also checked against the OpenAPI route it answered for.
  const call: Call = async (method, path, body, headers = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    await expectMatchesContract(method, `${baseUrl}${path}`, response);
    return response;
  };
  const create = async (fields: Record<string, unknown> = {}) => {
    const response = await call("POST", TASKS, { title: "a task", ...fields });
    expect(response.status).toBe(201);
    return (await response.json()) as Task;
  };
  const get = async (id: number) => {
    const response = await call("GET", `${TASKS}/${id}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Task;
  };
  const list = async (query = "") => {
    const response = await call("GET", `${TASKS}?${query}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: Task[]; next_cursor: string | null };
    return page.items;
  };
  return { id: user.id, token, call, create, get, list };
}

const idsOf = (tasks: Task[]) => tasks.map((task) => task.id);

type ProblemBody = Problem & { task?: Task };

/** Text that must never reach a client: stack traces, SQL, driver messages. */
const LEAKS = ["stack", "SELECT", "select ", "relation", "violates"];

/** Checks an RFC 9457 problem response with this status that leaks nothing, and returns its body. */
async function expectProblem(response: Response, status: number): Promise<ProblemBody> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  const text = await response.text();
  for (const leak of LEAKS) expect(text).not.toContain(leak);
  expect(text).not.toMatch(/\bat \S+ \(|\bat \S+:\d+:\d+|\n\s+at /); // stack frames
  const body = JSON.parse(text) as ProblemBody;
  expect(body).toMatchObject({ type: "about:blank", status });
  expect(typeof body.title).toBe("string");
  return body;
}

/** A 422 whose `errors` name `path`. */
async function expectInvalid(response: Response, path: string): Promise<ProblemBody> {
  const body = await expectProblem(response, 422);
  expect(body.errors?.map((error) => error.path)).toContain(path);
  return body;
}

const isoInstant = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe(`each endpoint, happy path (${databaseKind})`, () => {
  let user: ApiUser;
  beforeAll(async () => {
    user = await newUser();
  });

  it("creates a task: 201 with Location, ETag, the defaults, and an increasing position", async () => {
    const response = await user.call("POST", TASKS, { title: "  Buy milk  " });
    expect(response.status).toBe(201);
    const task = (await response.json()) as Task;
    expect(task).toMatchObject({
      user_id: user.id,
      title: "Buy milk",
      description: "",
      is_completed: false,
      completed_at: null,
      priority: "none",
      due_at: null,
      tags: [],
      version: 1,
    });
    expect(task.id).toBeTypeOf("number");
    expect(task.created_at).toMatch(isoInstant);
    expect(task.updated_at).toMatch(isoInstant);
    expect(response.headers.get("location")).toBe(`/api/${user.id}/tasks/${task.id}`);
    expect(response.headers.get("etag")).toBe('"1"');
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);

    const second = await user.create({ title: "second" });
    const third = await user.create({ title: "third" });
    expect(second.position).toBeGreaterThan(task.position);
    expect(third.position).toBeGreaterThan(second.position);
  });

  it("creates a task with every field given", async () => {
    const task = await user.create({
      title: "Full",
      description: "line one\nline two\twith a tab",
      is_completed: true,
      priority: "high",
      due_at: "2030-06-01T12:00:00+02:00",
      tags: [" home ", "home", "errands"],
      position: 7.5,
    });
    expect(task).toMatchObject({
      title: "Full",
      description: "line one\nline two\twith a tab",
      is_completed: true,
      priority: "high",
      tags: ["home", "errands"], // trimmed and de-duplicated
      position: 7.5,
    });
    expect(task.due_at).toMatch(isoInstant); // in UTC on the wire
    expect(Date.parse(task.due_at ?? "")).toBe(Date.parse("2030-06-01T10:00:00Z"));
    expect(task.completed_at).toMatch(isoInstant);
  });

  it("lists the user's tasks, with next_cursor null for a short list", async () => {
    const fresh = await newUser();
    const a = await fresh.create({ title: "a" });
    const b = await fresh.create({ title: "b" });
    const response = await fresh.call("GET", TASKS);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: Task[]; next_cursor: string | null };
    expect(page.next_cursor).toBeNull();
    expect(page.items).toEqual([a, b]);
  });

  it("pages through a longer list with next_cursor", async () => {
    const fresh = await newUser();
    const created: Task[] = [];
    for (const title of ["1", "2", "3", "4", "5"]) created.push(await fresh.create({ title }));
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const response = await fresh.call("GET", `${TASKS}?${query}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: Task[]; next_cursor: string | null };
      seen.push(...idsOf(page.items));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(idsOf(created));
  });

  it("gets one task with its ETag; If-None-Match with that ETag answers 304 with no body", async () => {
    const task = await user.create({ title: "etag me" });
    const response = await user.call("GET", `${TASKS}/${task.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe(`"${task.version}"`);
    expect(await response.json()).toEqual(task);

    const notModified = await user.call("GET", `${TASKS}/${task.id}`, undefined, {
      "If-None-Match": `"${task.version}"`,
    });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("etag")).toBe(`"${task.version}"`);
    expect(await notModified.text()).toBe("");

    const other = await user.call("GET", `${TASKS}/${task.id}`, undefined, {
      "If-None-Match": '"999"',
    });
    expect(other.status).toBe(200);

    const any = await user.call("GET", `${TASKS}/${task.id}`, undefined, { "If-None-Match": "*" });
    expect(any.status).toBe(304); // "*" matches any current version (RFC 9110)
  });

  it("PUT replaces the task: fields left out get their defaults, position is kept, version +1", async () => {
    const task = await user.create({
      title: "before",
      description: "details",
      is_completed: true,
      priority: "high",
      due_at: "2030-01-01T00:00:00Z",
      tags: ["x"],
    });
    const response = await user.call("PUT", `${TASKS}/${task.id}`, { title: "after" });
    expect(response.status).toBe(200);
    const replaced = (await response.json()) as Task;
    expect(replaced).toMatchObject({
      id: task.id,
      user_id: user.id,
      title: "after",
      description: "",
      is_completed: false,
      completed_at: null,
      priority: "none",
      due_at: null,
      tags: [],
      position: task.position,
      version: task.version + 1,
      created_at: task.created_at,
    });
    expect(Date.parse(replaced.updated_at)).toBeGreaterThanOrEqual(Date.parse(task.updated_at));
    expect(response.headers.get("etag")).toBe(`"${task.version + 1}"`);
    expect(response.headers.get("etag")).not.toBe(`"${task.version}"`);
    expect(await user.get(task.id)).toEqual(replaced);
  });

  it("PATCH changes only the fields given", async () => {
    const task = await user.create({
      title: "patch me",
      description: "keep",
      priority: "low",
      due_at: "2030-01-01T00:00:00Z",
      tags: ["keep"],
    });
    const response = await user.call("PATCH", `${TASKS}/${task.id}`, { priority: "medium" });
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe(`"${task.version + 1}"`);
    const patched = (await response.json()) as Task;
    expect(patched).toEqual({
      ...task,
      priority: "medium",
      version: task.version + 1,
      updated_at: patched.updated_at,
    });

    const cleared = (await (
      await user.call("PATCH", `${TASKS}/${task.id}`, { due_at: null, tags: [] })
    ).json()) as Task;
    expect(cleared).toMatchObject({
      due_at: null,
      tags: [],
      title: "patch me",
      priority: "medium",
    });

    const done = (await (
      await user.call("PATCH", `${TASKS}/${task.id}`, { is_completed: true })
    ).json()) as Task;
    expect(done.is_completed).toBe(true);
    expect(done.completed_at).toMatch(isoInstant);
  });

  it("toggles completion with no body, and clears completed_at when toggled back", async () => {
    const task = await user.create({ title: "toggle" });
    const first = await user.call("PATCH", `${TASKS}/${task.id}/complete`);
    expect(first.status).toBe(200);
    const done = (await first.json()) as Task;
    expect(done.is_completed).toBe(true);
    expect(done.completed_at).toMatch(isoInstant);
    expect(done.version).toBe(task.version + 1);
    expect(first.headers.get("etag")).toBe(`"${done.version}"`);

    const again = (await (await user.call("PATCH", `${TASKS}/${task.id}/complete`)).json()) as Task;
    expect(again.is_completed).toBe(false);
    expect(again.completed_at).toBeNull();
  });

  it('{"is_completed": true} twice keeps the task completed, with completed_at unchanged', async () => {
    const task = await user.create({ title: "set" });
    const path = `${TASKS}/${task.id}/complete`;
    const first = await user.call("PATCH", path, { is_completed: true });
    expect(first.status).toBe(200);
    const done = (await first.json()) as Task;
    expect(done.is_completed).toBe(true);
    const second = await user.call("PATCH", path, { is_completed: true });
    expect(second.status).toBe(200);
    const still = (await second.json()) as Task;
    expect(still.is_completed).toBe(true);
    expect(still.completed_at).toBe(done.completed_at);

    const reopened = (await (
      await user.call("PATCH", path, { is_completed: false })
    ).json()) as Task;
    expect(reopened).toMatchObject({ is_completed: false, completed_at: null });
  });

  it("DELETE answers 204 with no body; then the task is 404", async () => {
    const task = await user.create({ title: "delete me" });
    const response = await user.call("DELETE", `${TASKS}/${task.id}`);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    await expectProblem(await user.call("GET", `${TASKS}/${task.id}`), 404);
    await expectProblem(await user.call("DELETE", `${TASKS}/${task.id}`), 404);
  });

  it("bulk completes, reopens and deletes many tasks", async () => {
    const fresh = await newUser();
    const a = await fresh.create({ title: "a" });
    const b = await fresh.create({ title: "b" });
    const c = await fresh.create({ title: "c" });

    const complete = await fresh.call("POST", `${TASKS}/bulk`, {
      action: "complete",
      ids: [b.id, a.id, a.id],
    });
    expect(complete.status).toBe(200);
    expect(await complete.json()).toEqual({ action: "complete", ids: [a.id, b.id] });
    for (const id of [a.id, b.id]) {
      const task = await fresh.get(id);
      expect(task.is_completed).toBe(true);
      expect(task.completed_at).toMatch(isoInstant);
      expect(task.version).toBe(2);
    }
    expect(await fresh.get(c.id)).toEqual(c);

    const uncomplete = await fresh.call("POST", `${TASKS}/bulk`, {
      action: "uncomplete",
      ids: [a.id],
    });
    expect(await uncomplete.json()).toEqual({ action: "uncomplete", ids: [a.id] });
    expect(await fresh.get(a.id)).toMatchObject({ is_completed: false, completed_at: null });
    expect((await fresh.get(b.id)).is_completed).toBe(true);

    const remove = await fresh.call("POST", `${TASKS}/bulk`, {
      action: "delete",
      ids: [a.id, c.id],
    });
    expect(await remove.json()).toEqual({ action: "delete", ids: [a.id, c.id] });
    expect(idsOf(await fresh.list())).toEqual([b.id]);

    // All or nothing: one missing id, and nothing changes.
    const missing = await fresh.call("POST", `${TASKS}/bulk`, {
      action: "delete",
      ids: [b.id, a.id],
    });
    const problem = await expectProblem(missing, 404);
    expect(problem.detail).toContain(String(a.id));
    expect(idsOf(await fresh.list())).toEqual([b.id]);
  });

  it("counts total, pending, completed and overdue tasks", async () => {
    const fresh = await newUser();
    const past = new Date(Date.now() - DAY).toISOString();
    const future = new Date(Date.now() + DAY).toISOString();
    await fresh.create({ title: "pending, no date" });
    await fresh.create({ title: "pending, overdue", due_at: past });
    await fresh.create({ title: "pending, due later", due_at: future });
    await fresh.create({ title: "done, was due", due_at: past, is_completed: true });
    await fresh.create({ title: "done", is_completed: true });
    const response = await fresh.call("GET", `${TASKS}/stats`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ total: 5, pending: 3, completed: 2, overdue: 1 });

    const empty = await newUser();
    expect(await (await empty.call("GET", `${TASKS}/stats`)).json()).toEqual({
      total: 0,
      pending: 0,
      completed: 0,
      overdue: 0,
    });
  });

  it("accepts both `me` and the caller's own id as {user_id}", async () => {
    const own = `/api/${user.id}/tasks`;
    const created = await user.call("POST", own, { title: "by id" });
    expect(created.status).toBe(201);
    const task = (await created.json()) as Task;
    const byId = await user.call("GET", `${own}/${task.id}`);
    const byMe = await user.call("GET", `${TASKS}/${task.id}`);
    expect(byId.status).toBe(200);
    expect(await byId.json()).toEqual(await byMe.json());
    expect((await user.call("GET", own)).status).toBe(200);
    expect((await user.call("GET", `${own}/stats`)).status).toBe(200);
    expect((await user.call("PATCH", `${own}/${task.id}`, { title: "renamed" })).status).toBe(200);
    expect((await user.call("PATCH", `${own}/${task.id}/complete`)).status).toBe(200);
    const bulk = await user.call("POST", `${own}/bulk`, { action: "uncomplete", ids: [task.id] });
    expect(bulk.status).toBe(200);
    expect((await user.call("PUT", `${own}/${task.id}`, { title: "replaced" })).status).toBe(200);
    expect((await user.call("DELETE", `${own}/${task.id}`)).status).toBe(204);
  });
});

/** The calendar date of an instant in a time zone, as YYYY-MM-DD. */
const localDate = (instant: number, timeZone: string) =>
  new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(instant);

/**
 * Waits out the last 15 seconds of a UTC hour. The day changes at a whole UTC hour in every zone
 * these tests use (UTC, and Pacific/Kiritimati at UTC+14), so the date cannot change mid-test.
 */
async function awayFromDayBoundary() {
  const left = HOUR - (Date.now() % HOUR);
  if (left < 15_000) await new Promise((resolve) => setTimeout(resolve, left + 200));
}

describe(`list filters and sort orders (${databaseKind})`, () => {
  it("status=pending and status=completed", async () => {
    const user = await newUser();
    const open = await user.create({ title: "open" });
    const done = await user.create({ title: "done", is_completed: true });
    expect(idsOf(await user.list("status=pending"))).toEqual([open.id]);
    expect(idsOf(await user.list("status=completed"))).toEqual([done.id]);
    expect(idsOf(await user.list("status=all"))).toEqual([open.id, done.id]);
  });

  it("q finds text in the title or the description, in any case; % and _ are literal", async () => {
    const user = await newUser();
    const inTitle = await user.create({ title: "Buy MILK" });
    const inDescription = await user.create({ title: "shopping", description: "oat Milk, eggs" });
    await user.create({ title: "nothing here" });
    const percent = await user.create({ title: "100% done" });
    await user.create({ title: "1000 things" });
    const underscore = await user.create({ title: "snake_case" });
    await user.create({ title: "snakeXcase" });
    const backslash = await user.create({ title: "a\\b" });
    await user.create({ title: "ab" });

    const search = (text: string) => user.list(`q=${encodeURIComponent(text)}`);
    expect(idsOf(await search("milk"))).toEqual([inTitle.id, inDescription.id]);
    expect(idsOf(await search("MiLk"))).toEqual([inTitle.id, inDescription.id]);
    expect(idsOf(await search("100%"))).toEqual([percent.id]);
    expect(idsOf(await search("snake_case"))).toEqual([underscore.id]);
    expect(idsOf(await search("a\\b"))).toEqual([backslash.id]);
    expect(await search("%")).toEqual([percent]);
    expect(await search("no such text")).toEqual([]);
  });

  it("q finds every word, each anywhere in the title, description or tags, in any case", async () => {
    const user = await newUser();
    const passport = await user.create({ title: "Renew passport before March 3" });
    const dentist = await user.create({
      title: "Call",
      description: "about the filling",
      tags: ["Dentist", "health"],
    });
    const split = await user.create({ title: "xq", description: "jv", tags: ["kw"] });
    await user.create({ title: "Renew the car's MOT", tags: ["car"] });

    const search = async (text: string) => idsOf(await user.list(`q=${encodeURIComponent(text)}`));
    expect(await search("passport march")).toEqual([passport.id]);
    expect(await search("MARCH  Passport")).toEqual([passport.id]);
    expect(await search("passport april")).toEqual([]);
    expect(await search("renew 3")).toEqual([passport.id]);
    // Tags are searched too, alone or with words found elsewhere.
    expect(await search("dentist")).toEqual([dentist.id]);
    expect(await search("call dent filling")).toEqual([dentist.id]);
    expect(await search("heal")).toEqual([dentist.id]);
    // Each word is found within one field: "qj" would span the title and the description.
    expect(await search("xq jv kw")).toEqual([split.id]);
    expect(await search("qj")).toEqual([]);
    expect(await search("vk")).toEqual([]);
  });

  it("tag filters by one whole tag, as stored (trimmed, case kept), and combines with q", async () => {
    const user = await newUser();
    const work = await user.create({ title: "Quarterly report", tags: [" Work ", "urgent"] });
    await user.create({ title: "Report card", tags: ["school"] });
    await user.create({ title: "Workshop", tags: ["workshop"] });
    expect(idsOf(await user.list("tag=Work"))).toEqual([work.id]);
    expect(idsOf(await user.list(`tag=${encodeURIComponent(" Work ")}`))).toEqual([work.id]);
    expect(idsOf(await user.list("tag=work"))).toEqual([]);
    expect(idsOf(await user.list("tag=Work&q=report"))).toEqual([work.id]);
    expect(idsOf(await user.list("tag=school&q=quarterly"))).toEqual([]);
  });

  it("tag and priority", async () => {
    const user = await newUser();
    const home = await user.create({ title: "home", tags: ["home", "weekend"], priority: "high" });
    const work = await user.create({ title: "work", tags: ["work"], priority: "low" });
    const both = await user.create({ title: "both", tags: ["work", "home"], priority: "high" });
    expect(idsOf(await user.list("tag=home"))).toEqual([home.id, both.id]);
    expect(idsOf(await user.list("tag=work"))).toEqual([work.id, both.id]);
    expect(idsOf(await user.list("tag=hom"))).toEqual([]);
    expect(idsOf(await user.list("priority=high"))).toEqual([home.id, both.id]);
    expect(idsOf(await user.list("priority=low"))).toEqual([work.id]);
    expect(idsOf(await user.list("priority=none"))).toEqual([]);
    expect(idsOf(await user.list("tag=home&priority=high&status=pending"))).toEqual([
      home.id,
      both.id,
    ]);
  });

  it('due=overdue/today/upcoming/none, with "today" decided in the tz given', async () => {
    await awayFromDayBoundary();
    const user = await newUser();
    const now = Date.now();
    const utcDayStart = now - (now % DAY);
    const dueAt = (ms: number) => new Date(ms).toISOString();
    const dated = [
      {
        ms: now - 2 * HOUR,
        task: await user.create({ title: "past", due_at: dueAt(now - 2 * HOUR) }),
      },
      {
        ms: now - 3 * HOUR,
        task: await user.create({
          title: "past, done",
          due_at: dueAt(now - 3 * HOUR),
          is_completed: true,
        }),
      },
      // 23:59:55 UTC today: "today" in UTC; in Kiritimati (UTC+14) it is tomorrow afternoon.
      {
        ms: utcDayStart + DAY - 5_000,
        task: await user.create({ title: "late today", due_at: dueAt(utcDayStart + DAY - 5_000) }),
      },
      // 05:00 UTC tomorrow: "upcoming" in UTC; 19:00 in Kiritimati.
      {
        ms: utcDayStart + DAY + 5 * HOUR,
        task: await user.create({
          title: "tomorrow morning",
          due_at: dueAt(utcDayStart + DAY + 5 * HOUR),
        }),
      },
      {
        ms: now + 7 * DAY,
        task: await user.create({ title: "next week", due_at: dueAt(now + 7 * DAY) }),
      },
    ];
    const undated = await user.create({ title: "no date" });
    const [past, pastDone, lateToday, tomorrowMorning, nextWeek] = dated.map((d) => d.task);

    // Overdue and none do not depend on the time zone.
    for (const tz of ["UTC", "Pacific/Kiritimati"]) {
      const zone = `tz=${encodeURIComponent(tz)}`;
      expect(idsOf(await user.list(`due=overdue&${zone}`))).toEqual([past?.id]);
      expect(idsOf(await user.list(`due=none&${zone}`))).toEqual([undated.id]);
    }
    expect(pastDone?.is_completed).toBe(true);

    const byDay = async (tz: string) => {
      const today = localDate(now, tz);
      const zone = `tz=${encodeURIComponent(tz)}`;
      const got = {
        today: idsOf(await user.list(`due=today&${zone}`)),
        upcoming: idsOf(await user.list(`due=upcoming&${zone}`)),
      };
      const expected = {
        today: dated.filter((d) => localDate(d.ms, tz) === today).map((d) => d.task.id),
        upcoming: dated.filter((d) => localDate(d.ms, tz) > today).map((d) => d.task.id),
      };
      expect(got).toEqual(expected);
      return got;
    };
    const utc = await byDay("UTC");
    expect(utc.today).toContain(lateToday?.id);
    expect(utc.upcoming).toEqual([tomorrowMorning?.id, nextWeek?.id]);
    // Default tz is UTC.
    expect(idsOf(await user.list("due=today"))).toEqual(utc.today);

    const kiritimati = await byDay("Pacific/Kiritimati");
    // Before 10:00 UTC, "late today" is tomorrow in Kiritimati; after, "tomorrow morning" is today
    // there. Either way the two zones disagree about today.
    expect(kiritimati.today).not.toEqual(utc.today);
    if (new Date(now).getUTCHours() < 10) expect(kiritimati.upcoming).toContain(lateToday?.id);
    else expect(kiritimati.today).toContain(tomorrowMorning?.id);
  });

  it("sorts by priority (none < low < medium < high), title (any case), creation and due date", async () => {
    const user = await newUser();
    const high = await user.create({
      title: "cherry",
      priority: "high",
      due_at: "2030-01-03T00:00:00Z",
    });
    const none = await user.create({ title: "Banana", priority: "none" });
    const medium = await user.create({
      title: "apple",
      priority: "medium",
      due_at: "2030-01-01T00:00:00Z",
    });
    const low = await user.create({
      title: "Date",
      priority: "low",
      due_at: "2030-01-02T00:00:00Z",
    });
    const sorted = async (sort: string) => idsOf(await user.list(`sort=${sort}`));

    expect(await sorted("priority")).toEqual([none.id, low.id, medium.id, high.id]);
    expect(await sorted("-priority")).toEqual([high.id, medium.id, low.id, none.id]);
    expect(await sorted("title")).toEqual([medium.id, none.id, high.id, low.id]);
    expect(await sorted("-title")).toEqual([low.id, high.id, none.id, medium.id]);
    expect(await sorted("created")).toEqual([high.id, none.id, medium.id, low.id]);
    expect(await sorted("-created")).toEqual([low.id, medium.id, none.id, high.id]);
    expect(await sorted("due")).toEqual([medium.id, low.id, high.id, none.id]); // no date last
    expect(await sorted("position")).toEqual([high.id, none.id, medium.id, low.id]);
  });

  it("sort=title is natural: numbers compare as numbers, any case, and cursors page through it", async () => {
    const user = await newUser();
    const titles = ["#103", "Task 10", "#19", "task 9", "#2", "Task 9b", "v1.10", "v1.9", "B", "a"];
    const byTitle = new Map<string, number>();
    for (const title of titles) byTitle.set(title, (await user.create({ title })).id);
    const natural = [
      "#2",
      "#19",
      "#103",
      "a",
      "B",
      "task 9",
      "Task 9b",
      "Task 10",
      "v1.9",
      "v1.10",
    ];
    const expected = natural.map((title) => byTitle.get(title));
    expect(idsOf(await user.list("sort=title"))).toEqual(expected);
    expect(idsOf(await user.list("sort=-title"))).toEqual([...expected].reverse());
    // Page by page, resuming from each cursor.
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `sort=title&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const response = await user.call("GET", `${TASKS}?${query}`);
      const page = (await response.json()) as { items: Task[]; next_cursor: string | null };
      paged.push(...idsOf(page.items));
      cursor = page.next_cursor;
    } while (cursor);
    expect(paged).toEqual(expected);
  });

  it("pages one task at a time through every sort order, ties included, in the same order as one page", async () => {
    const user = await newUser();
    for (const [title, priority, due_at] of [
      ["b", "low", "2030-01-02T00:00:00.123456Z"],
      ["B", "low", null],
      ["a", "high", "2030-01-02T00:00:00.123456Z"],
      ["c", "none", null],
      ["a", "high", "2030-01-01T00:00:00Z"],
    ]) {
      await user.create({ title, priority, due_at });
    }
    for (const sort of SORTS) {
      const whole = idsOf(await user.list(`sort=${sort}`));
      const paged: number[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `sort=${sort}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const page = (await (await user.call("GET", `${TASKS}?${query}`)).json()) as {
          items: Task[];
          next_cursor: string | null;
        };
        paged.push(...idsOf(page.items));
        cursor = page.next_cursor;
      } while (cursor && paged.length < 10);
      expect({ sort, paged }).toEqual({ sort, paged: whole });
    }
  });
});

describe(`isolation between users (${databaseKind})`, () => {
  let a: ApiUser;
  let b: ApiUser;
  let aTasks: Task[];
  let bTask: Task;
  const snapshots = new Map<number, string>();
  let aList = "";

  beforeAll(async () => {
    [a, b] = await Promise.all([newUser(), newUser()]);
    aTasks = [
      await a.create({ title: "A's first", tags: ["private"], due_at: "2030-01-01T00:00:00Z" }),
      await a.create({ title: "A's second", is_completed: true }),
    ];
    bTask = await b.create({ title: "B's own" });
    for (const task of aTasks) {
      snapshots.set(task.id, await (await a.call("GET", `${TASKS}/${task.id}`)).text());
    }
    aList = await (await a.call("GET", TASKS)).text();
  });

  it("another user's task ids are 404 on every task route, like ids that do not exist", async () => {
    for (const task of aTasks) {
      const path = `${TASKS}/${task.id}`;
      await expectProblem(await b.call("GET", path), 404);
      await expectProblem(await b.call("PUT", path, { title: "stolen" }), 404);
      await expectProblem(await b.call("PATCH", path, { title: "stolen" }), 404);
      await expectProblem(await b.call("PATCH", `${path}/complete`), 404);
      await expectProblem(await b.call("PATCH", `${path}/complete`, { is_completed: false }), 404);
      await expectProblem(await b.call("PUT", path, { title: "stolen" }, { "If-Match": "*" }), 404);
      await expectProblem(await b.call("DELETE", path), 404);
      await expectProblem(await b.call("DELETE", path, undefined, { "If-Match": '"1"' }), 404);
    }
    // The answer does not tell "someone else's" from "no such task".
    const someoneElses = await expectProblem(await b.call("GET", `${TASKS}/${aTasks[0]?.id}`), 404);
    const nobodys = await expectProblem(await b.call("GET", `${TASKS}/2147483647`), 404);
    expect({ ...someoneElses, request_id: "" }).toEqual({ ...nobodys, request_id: "" });
  });

  it.each(["complete", "uncomplete", "delete"])(
    "bulk %s with another user's ids is 404 and changes nothing, not even the caller's own tasks",
    async (action) => {
      const aIds = idsOf(aTasks);
      await expectProblem(await b.call("POST", `${TASKS}/bulk`, { action, ids: aIds }), 404);
      const mixed = await b.call("POST", `${TASKS}/bulk`, { action, ids: [bTask.id, ...aIds] });
      const problem = await expectProblem(mixed, 404);
      expect(problem.detail).not.toContain(String(bTask.id));
      expect(await b.get(bTask.id)).toEqual(bTask);
    },
  );

  it("another user's id in the path is 403 on every route", async () => {
    const aTask = aTasks[0]?.id ?? 0;
    for (const owner of [a.id, randomUUID()]) {
      const base = `/api/${owner}/tasks`;
      const routes: [string, string, unknown][] = [
        ["GET", base, undefined],
        ["GET", `${base}?status=completed`, undefined],
        ["POST", base, { title: "planted" }],
        ["GET", `${base}/stats`, undefined],
        ["POST", `${base}/bulk`, { action: "delete", ids: [aTask] }],
        ["GET", `${base}/${aTask}`, undefined],
        ["PUT", `${base}/${aTask}`, { title: "stolen" }],
        ["PATCH", `${base}/${aTask}`, { title: "stolen" }],
        ["PATCH", `${base}/${aTask}/complete`, undefined],
        ["DELETE", `${base}/${aTask}`, undefined],
        // B's own task under A's id is refused too.
        ["GET", `${base}/${bTask.id}`, undefined],
        ["DELETE", `${base}/${bTask.id}`, undefined],
      ];
      for (const [method, path, body] of routes) {
        const response = await b.call(method, path, body);
        expect(`${method} ${path} → ${response.status}`).toBe(`${method} ${path} → 403`);
        await expectProblem(response, 403);
      }
    }
    expect(await b.get(bTask.id)).toEqual(bTask);
  });

  it("leaves A's tasks byte-identical, and B never sees them", async () => {
    for (const task of aTasks) {
      expect(await (await a.call("GET", `${TASKS}/${task.id}`)).text()).toBe(
        snapshots.get(task.id),
      );
    }
    expect(await (await a.call("GET", TASKS)).text()).toBe(aList);
    const bIds = idsOf(await b.list("limit=100"));
    expect(bIds).toEqual([bTask.id]);
    for (const query of [
      "status=completed",
      "q=A",
      "tag=private",
      "due=upcoming",
      "sort=-created",
    ]) {
      for (const task of await b.list(query)) expect(task.user_id).toBe(b.id);
    }
    expect(await (await b.call("GET", `${TASKS}/stats`)).json()).toMatchObject({ total: 1 });
  });
});

describe(`validation (${databaseKind})`, () => {
  let user: ApiUser;
  let task: Task;
  beforeAll(async () => {
    user = await newUser();
    task = await user.create({ title: "the one task" });
  });

  const refusedBodies: { name: string; body: Record<string, unknown>; path: string }[] = [
    { name: "no title", body: { description: "x" }, path: "title" },
    { name: "an empty title", body: { title: "" }, path: "title" },
    { name: "a blank title", body: { title: " \t\n " }, path: "title" },
    { name: "a 201-character title", body: { title: "x".repeat(201) }, path: "title" },
    { name: "201 emoji as title", body: { title: "😀".repeat(201) }, path: "title" },
    { name: "a NUL byte in the title", body: { title: "nul\u0000byte" }, path: "title" },
    { name: "a control character in the title", body: { title: "bell\u0007" }, path: "title" },
    { name: "a number as title", body: { title: 5 }, path: "title" },
    { name: "null as title", body: { title: null }, path: "title" },
    { name: 'is_completed "yes"', body: { title: "t", is_completed: "yes" }, path: "is_completed" },
    { name: 'tags "x"', body: { title: "t", tags: "x" }, path: "tags" },
    { name: 'priority "urgent"', body: { title: "t", priority: "urgent" }, path: "priority" },
    { name: "a string position", body: { title: "t", position: "1" }, path: "position" },
    {
      name: "a 5001-character description",
      body: { title: "t", description: "d".repeat(5001) },
      path: "description",
    },
    {
      name: "a NUL byte in the description",
      body: { title: "t", description: "a\u0000b" },
      path: "description",
    },
    {
      name: "21 tags",
      body: { title: "t", tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      path: "tags",
    },
    {
      name: "a 33-character tag",
      body: { title: "t", tags: ["ok", "x".repeat(33)] },
      path: "tags.1",
    },
    { name: "an empty tag", body: { title: "t", tags: ["  "] }, path: "tags.0" },
    { name: 'due_at "tomorrow"', body: { title: "t", due_at: "tomorrow" }, path: "due_at" },
    {
      name: 'due_at "2026-01-01" (no time)',
      body: { title: "t", due_at: "2026-01-01" },
      path: "due_at",
    },
    {
      name: "due_at with no offset",
      body: { title: "t", due_at: "2026-01-01T10:00:00" },
      path: "due_at",
    },
    { name: "an unknown field, owner", body: { title: "t", owner: "someone" }, path: "owner" },
  ];

  it.each(refusedBodies)("POST refuses $name with 422 naming $path", async ({ body, path }) => {
    await expectInvalid(await user.call("POST", TASKS, body), path);
  });

  it.each([
    ["id", 12345],
    ["user_id", randomUUID()],
    ["version", 7],
    ["created_at", "2020-01-01T00:00:00Z"],
    ["updated_at", "2020-01-01T00:00:00Z"],
    ["completed_at", "2020-01-01T00:00:00Z"],
  ])(
    "refuses the server-owned field %s on POST, PUT and PATCH, naming it once",
    async (key, value) => {
      const requests: [string, string][] = [
        ["POST", TASKS],
        ["PUT", `${TASKS}/${task.id}`],
        ["PATCH", `${TASKS}/${task.id}`],
      ];
      for (const [method, path] of requests) {
        const problem = await expectInvalid(
          await user.call(method, path, { title: "t", [key]: value }),
          key,
        );
        expect(problem.errors?.filter((error) => error.path === key)).toHaveLength(1);
      }
    },
  );

  it("accepts the limits: a 200-character title (trimmed first), 5000-character description, 20 tags of 32", async () => {
    const created = await user.create({
      title: `  ${"x".repeat(200)}  `,
      description: `${"d".repeat(4997)}\t\r\n`,
      tags: Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(32, "x")),
    });
    expect(created.title).toBe("x".repeat(200));
    expect(created.description).toHaveLength(5000);
    expect(created.tags).toHaveLength(20);
    expect(created.tags[0]).toHaveLength(32);
  });

  it("counts a title's length in characters: 200 emoji are accepted", async () => {
    const title = "😀".repeat(200);
    const response = await user.call("POST", TASKS, { title });
    expect(response.status).toBe(201);
    expect(((await response.json()) as Task).title).toBe(title);
  });

  it("stores text exactly: quotes, markup, SQL, emoji, right-to-left, combining marks", async () => {
    const title = `"quoted" 'single' <script>alert(1)</script> '; drop table tasks; -- 😀👩‍👩‍👧 שלום مرحبا e\u0301`;
    const description = `${title}\nline 2\t\\ backslash \u200f RLM % _`;
    const tags = ["<b>", "😀", "שלום", "'; --"];
    const created = await user.create({ title, description, tags });
    expect(created).toMatchObject({ title, description, tags });
    const text = await (await user.call("GET", `${TASKS}/${created.id}`)).text();
    const read = JSON.parse(text) as Task;
    expect(read.title).toBe(title);
    expect(read.description).toBe(description);
    expect(read.tags).toEqual(tags);
    expect(Buffer.from(read.title, "utf8").equals(Buffer.from(title, "utf8"))).toBe(true);
    expect(await user.list(`q=${encodeURIComponent("drop table tasks")}`)).toEqual([read]);
  });

  it.each([
    ["{}", {}, ""],
    ["an empty title", { title: "" }, "title"],
    ["an unknown field", { owner: "x" }, "owner"],
    ["a wrong type", { is_completed: "yes" }, "is_completed"],
  ])("PATCH refuses %s with 422", async (_, body, path) => {
    await expectInvalid(await user.call("PATCH", `${TASKS}/${task.id}`, body), path);
  });

  it.each([
    ["no title", {}, "title"],
    ["an unknown field", { title: "t", owner: "x" }, "owner"],
  ])("PUT refuses %s with 422", async (_, body, path) => {
    await expectInvalid(await user.call("PUT", `${TASKS}/${task.id}`, body), path);
  });

  it.each([
    ["{}", {}, "is_completed"],
    ['is_completed "yes"', { is_completed: "yes" }, "is_completed"],
    ["an unknown field", { is_completed: true, title: "x" }, "title"],
  ])("complete refuses %s with 422", async (_, body, path) => {
    await expectInvalid(await user.call("PATCH", `${TASKS}/${task.id}/complete`, body), path);
  });

  it.each([
    ["an unknown action", { action: "explode", ids: [1] }, "action"],
    ["no ids", { action: "delete", ids: [] }, "ids"],
    ["501 ids", { action: "delete", ids: Array.from({ length: 501 }, (_, i) => i + 1) }, "ids"],
    ["an id of 0", { action: "delete", ids: [0] }, "ids.0"],
    ["a string id", { action: "delete", ids: ["1"] }, "ids.0"],
    ["an unknown field", { action: "delete", ids: [1], force: true }, "force"],
  ])("bulk refuses %s with 422", async (_, body, path) => {
    await expectInvalid(await user.call("POST", `${TASKS}/bulk`, body), path);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=abc", "limit"],
    ["sort=bogus", "sort"],
    ["status=bogus", "status"],
    ["priority=urgent", "priority"],
    ["due=someday", "due"],
    ["tz=Mars/Olympus", "tz"],
  ])("the list refuses ?%s with 422", async (query, path) => {
    await expectInvalid(await user.call("GET", `${TASKS}?${query}`), path);
  });

  it("accepts limit=1 and limit=100", async () => {
    expect(await user.list("limit=1")).toHaveLength(1);
    expect((await user.call("GET", `${TASKS}?limit=100`)).status).toBe(200);
  });

  it("refuses a damaged or foreign cursor with 400", async () => {
    await user.create({ title: "another" });
    const page = (await (await user.call("GET", `${TASKS}?limit=1`)).json()) as {
      next_cursor: string | null;
    };
    expect(page.next_cursor).toEqual(expect.any(String));
    const cursor = page.next_cursor ?? "";
    await expectProblem(await user.call("GET", `${TASKS}?cursor=garbage`), 400);
    const damaged = `${cursor.slice(0, -2)}${cursor.endsWith("AA") ? "BB" : "AA"}`;
    await expectProblem(await user.call("GET", `${TASKS}?limit=1&cursor=${damaged}`), 400);
    // A cursor is bound to its query: the same cursor with another sort is refused.
    await expectProblem(
      await user.call("GET", `${TASKS}?limit=1&sort=title&cursor=${cursor}`),
      400,
    );
    // And to its user: someone else's cursor, same query, is refused too (found by the model
    // test: it used to page the caller's own tasks from the other user's position).
    const other = await newUser();
    await other.create({ title: "other's" });
    await expectProblem(await other.call("GET", `${TASKS}?limit=1&cursor=${cursor}`), 400);
    // It carries the position only: neither the query nor whose it is can be read from it.
    const carried = Buffer.from(cursor.split(".")[0] ?? "", "base64url").toString();
    expect(carried).not.toContain(user.id);
    expect(carried).not.toContain("created");
  });

  it.each(["abc", "0", "-1", "1.5", "99999999999"])(
    "a task id of %s is 422 on every task route, never 500",
    async (id) => {
      const path = `${TASKS}/${id}`;
      const requests: [string, string, unknown][] = [
        ["GET", path, undefined],
        ["PUT", path, { title: "t" }],
        ["PATCH", path, { title: "t" }],
        ["DELETE", path, undefined],
        ["PATCH", `${path}/complete`, undefined],
      ];
      for (const [method, target, body] of requests) {
        await expectInvalid(await user.call(method, target, body), "id");
      }
    },
  );

  it("created nothing for any refused request", async () => {
    const titles = (await user.list("limit=100")).map((t) => t.title);
    expect(titles).not.toContain("t");
    expect(titles).not.toContain("planted");
  });
});

describe(`error responses (${databaseKind})`, () => {
  let user: ApiUser;
  beforeAll(async () => {
    user = await newUser();
  });

  const post = (
    body: RequestInit["body"],
    headers: Record<string, string>,
    extra: RequestInit = {},
  ) =>
    fetch(`${server.url}${TASKS}`, {
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
    await expectProblem(await user.call("GET", "/api/me/nothing-here"), 404);
    await expectProblem(await fetch(`${server.url}/no/such/page`), 404);
  });

  it("a wrong method is 405 with Allow", async () => {
    const list = await user.call("DELETE", TASKS);
    const allow = list.headers.get("allow")?.split(/,\s*/) ?? [];
    await expectProblem(list, 405);
    expect(allow).toEqual(expect.arrayContaining(["GET", "POST"]));
    expect(allow).not.toContain("DELETE");

    const one = await user.call("POST", `${TASKS}/1`, { title: "t" });
    const allowOne = one.headers.get("allow")?.split(/,\s*/) ?? [];
    await expectProblem(one, 405);
    expect(allowOne).toEqual(expect.arrayContaining(["GET", "PUT", "PATCH", "DELETE"]));
  });

  it("no credentials, or bad ones, is 401 with WWW-Authenticate", async () => {
    const none = await fetch(`${server.url}${TASKS}`);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    await expectProblem(none, 401);
    const created = await fetch(`${server.url}${TASKS}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ title: "anonymous" }),
    });
    await expectProblem(created, 401);
    const forged = await fetch(`${server.url}${TASKS}`, {
      headers: { Authorization: `Bearer ${user.token.slice(0, -4)}AAAA` },
    });
    expect(forged.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    await expectProblem(forged, 401);
  });
});

describe(`concurrency: If-Match (${databaseKind})`, () => {
  let user: ApiUser;
  beforeAll(async () => {
    user = await newUser();
  });

  it("two PUTs with the same If-Match at once: one 200, one 412 carrying the current task", async () => {
    const task = await user.create({ title: "contended" });
    const path = `${TASKS}/${task.id}`;
    const etag = `"${task.version}"`;
    const responses = await Promise.all(
      ["first", "second"].map((title) => user.call("PUT", path, { title }, { "If-Match": etag })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = responses.find((r) => r.status === 200);
    const loser = responses.find((r) => r.status === 412);
    if (!winner || !loser) throw new Error("expected one 200 and one 412");
    const won = (await winner.json()) as Task;
    expect(won.version).toBe(task.version + 1);
    expect(loser.headers.get("etag")).toBe(`"${won.version}"`);
    const problem = await expectProblem(loser, 412);
    expect(problem.task).toEqual(won);
    expect(await user.get(task.id)).toEqual(won);
  });

  it("a stale If-Match is 412 for PATCH, complete and DELETE, and the task stays as it was", async () => {
    const task = await user.create({ title: "stale" });
    const current = (await (
      await user.call("PATCH", `${TASKS}/${task.id}`, { title: "moved on" })
    ).json()) as Task;
    const stale = { "If-Match": `"${task.version}"` };
    const path = `${TASKS}/${task.id}`;
    for (const response of [
      await user.call("PATCH", path, { title: "lost" }, stale),
      await user.call("PATCH", `${path}/complete`, undefined, stale),
      await user.call("DELETE", path, undefined, stale),
    ]) {
      expect(response.headers.get("etag")).toBe(`"${current.version}"`);
      expect((await expectProblem(response, 412)).task).toEqual(current);
    }
    expect(await user.get(task.id)).toEqual(current);
  });

  it("If-Match with an ETag that is no version of ours is 412, not 500", async () => {
    const task = await user.create({ title: "odd etag" });
    const response = await user.call(
      "PATCH",
      `${TASKS}/${task.id}`,
      { title: "x" },
      {
        "If-Match": "not-a-version",
      },
    );
    await expectProblem(response, 412);
    expect(await user.get(task.id)).toEqual(task);
  });

  it("If-Match * matches any version; the current ETag (strong or weak) matches", async () => {
    const task = await user.create({ title: "star" });
    const path = `${TASKS}/${task.id}`;
    const star = await user.call("PATCH", path, { title: "one" }, { "If-Match": "*" });
    expect(star.status).toBe(200);
    const current = await user.call("PATCH", path, { title: "two" }, { "If-Match": '"2"' });
    expect(current.status).toBe(200);
    const weak = await user.call("PATCH", `${path}/complete`, undefined, { "If-Match": 'W/"3"' });
    expect(weak.status).toBe(200);
    const put = await user.call("PUT", path, { title: "three" }, { "If-Match": "*" });
    expect(put.status).toBe(200);
    const removed = await user.call("DELETE", path, undefined, { "If-Match": "*" });
    expect(removed.status).toBe(204);
    await expectProblem(await user.call("GET", path), 404);
  });
});

describe(`idempotency keys (${databaseKind})`, () => {
  it("the same key and body ten times in a row: all 201 with the same task, one task created", async () => {
    const user = await newUser();
    const key = randomUUID();
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await user.call(
        "POST",
        TASKS,
        { title: "once" },
        { "Idempotency-Key": key },
      );
      expect(response.status).toBe(201);
      const task = (await response.json()) as Task;
      expect(response.headers.get("location")).toBe(`/api/${user.id}/tasks/${task.id}`);
      expect(response.headers.get("etag")).toBe('"1"');
      ids.push(task.id);
    }
    expect(new Set(ids).size).toBe(1);
    expect(idsOf(await user.list())).toEqual([ids[0]]);
  });

  it("the same key ten times at once: one task created; each answer is 201 (same task) or 409", async () => {
    const user = await newUser();
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        user.call("POST", TASKS, { title: "racing" }, { "Idempotency-Key": key }),
      ),
    );
    const ids = new Set<number>();
    for (const response of responses) {
      expect([201, 409]).toContain(response.status);
      if (response.status === 201) ids.add(((await response.json()) as Task).id);
      else await expectProblem(response, 409);
    }
    expect(ids.size).toBe(1);
    expect(idsOf(await user.list())).toEqual([...ids]);
    // Once finished, a retry replays it.
    const retry = await user.call("POST", TASKS, { title: "racing" }, { "Idempotency-Key": key });
    expect(retry.status).toBe(201);
    expect(((await retry.json()) as Task).id).toBe([...ids][0]);
  });

  it("the same key with another body is 422, and creates nothing", async () => {
    const user = await newUser();
    const key = randomUUID();
    expect(
      (await user.call("POST", TASKS, { title: "one" }, { "Idempotency-Key": key })).status,
    ).toBe(201);
    const other = await user.call("POST", TASKS, { title: "two" }, { "Idempotency-Key": key });
    await expectInvalid(other, "Idempotency-Key");
    expect((await user.list()).map((t) => t.title)).toEqual(["one"]);
  });

  it("keys are per user: another user's same key creates that user's own task", async () => {
    const [a, b] = await Promise.all([newUser(), newUser()]);
    const key = randomUUID();
    const first = await a.call("POST", TASKS, { title: "shared key" }, { "Idempotency-Key": key });
    const second = await b.call("POST", TASKS, { title: "shared key" }, { "Idempotency-Key": key });
    expect([first.status, second.status]).toEqual([201, 201]);
    const aTask = (await first.json()) as Task;
    const bTask = (await second.json()) as Task;
    expect(bTask.id).not.toBe(aTask.id);
    expect(bTask.user_id).toBe(b.id);
    expect(idsOf(await a.list())).toEqual([aTask.id]);
    expect(idsOf(await b.list())).toEqual([bTask.id]);
  });
});

describe(`response headers (${databaseKind})`, () => {
  let user: ApiUser;
  let task: Task;
  beforeAll(async () => {
    user = await newUser();
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
    ["401 no credentials", () => fetch(`${server.url}${TASKS}`)],
    ["404 no such task", (u) => u.call("GET", `${TASKS}/2147483647`)],
    ["405 wrong method", (u) => u.call("DELETE", TASKS)],
    [
      "415 not JSON",
      (u) =>
        fetch(`${server.url}${TASKS}`, {
          method: "POST",
          headers: { Authorization: `Bearer ${u.token}`, "Content-Type": "text/plain" },
          body: "title",
        }),
    ],
    ["422 invalid", (u) => u.call("POST", TASKS, { title: "" })],
    ["200 health", () => fetch(`${server.url}/healthz`)],
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
    const response = await fetch(`${server.url}${TASKS}`, {
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
    const response = await fetch(`${server.url}${TASKS}`, {
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

describe(`searches in flight (${databaseKind})`, () => {
  it("a user's third search and a fifth in all wait their turn, then are 429 and 503, with Retry-After", async () => {
    expect([SEARCHES_PER_USER, SEARCHES_IN_FLIGHT, SEARCH_WAIT_MS]).toEqual([2, 4, 2000]);
    const [greedy, other, third] = await Promise.all([newUser(), newUser(), newUser()]);
    // Each signs in once first, so that the searches below wait on the database, and only there.
    for (const user of [greedy, other, third]) await user.list("q=warm");
    const search = (user: ApiUser, q: string) => user.call("GET", `${TASKS}?q=${q}`);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    // Holds the tasks table, so that every search waits until `release`.
    const holder = database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table tasks in access exclusive mode`);
      locked();
      await held;
    });
    await lockTaken;
    const waiting = [
      search(greedy, "one"),
      search(greedy, "two"),
      search(other, "one"),
      search(other, "two"),
    ];
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The user's own two slots stay busy past the wait: refused, after waiting for one.
    const waitedFrom = performance.now();
    const tooMany = await search(greedy, "three");
    expect(performance.now() - waitedFrom).toBeGreaterThanOrEqual(SEARCH_WAIT_MS - 50);
    await expectProblem(tooMany, 429);
    expect(tooMany.headers.get("retry-after")).toBe("1");
    // Every slot stays busy past the wait: refused, after waiting for it.
    const started = performance.now();
    const full = await search(third, "one");
    expect(performance.now() - started).toBeGreaterThanOrEqual(SEARCH_WAIT_MS - 50);
    await expectProblem(full, 503);
    expect(full.headers.get("retry-after")).toBe("1");
    // A slot freed while a search waits goes to it: a burst is served late, not refused.
    const queued = search(third, "two");
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await holder;
    expect((await queued).status).toBe(200);
    for (const response of await Promise.all(waiting)) expect(response.status).toBe(200);
    // The slots are given back.
    expect((await search(greedy, "again")).status).toBe(200);
    expect((await search(third, "again")).status).toBe(200);
  });
});

describe(`per-user rate limit (${databaseKind})`, () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer(database, testConfig({ API_RATE_LIMIT_MAX: 5 }));
  });
  afterAll(async () => {
    await limited?.close();
  });

  it("the 6th request in the window is 429 with Retry-After; another user is unaffected", async () => {
    const [greedy, other] = await Promise.all([newUser(limited.url), newUser(limited.url)]);
    for (let i = 0; i < 5; i++) expect((await greedy.call("GET", TASKS)).status).toBe(200);
    const refused = await greedy.call("GET", TASKS);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await expectProblem(refused, 429);
    // Every route counts against the same budget.
    await expectProblem(await greedy.call("POST", TASKS, { title: "t" }), 429);
    expect((await other.call("GET", TASKS)).status).toBe(200);
    expect((await other.call("GET", `${TASKS}/stats`)).status).toBe(200);
  });
});
