// The model-based test's requests and checks (model.test.ts): one request checked against the
// OpenAPI contract and the model, the database compared with the model after every command, and
// the command that does both.
import { inArray } from "drizzle-orm";
import type fc from "fast-check";
import { expect } from "vitest";
import { type Task, tasks } from "../../src/db/schema.ts";
import { expectMatchesContract } from "../contract.ts";
import { type Caller, type IfMatch, isForeign, type Target } from "./model-inputs.ts";
import {
  etagOf,
  figures,
  gone,
  type Model,
  micros,
  ownTask,
  ownTasks,
  served,
  stranger,
  tokenFor,
  userOf,
  users,
} from "./model-world.ts";

/** An id no task will ever have (identities count up from 1); 404 for everyone. */
const INT_MAX = 2_147_483_647;

/** The {user_id} a caller's path names. */
export const segmentOf = (caller: Caller): string =>
  ({
    me: "me",
    own: userOf(caller.user).id,
    other: userOf((caller.user + 1) % 3).id,
    stranger,
  })[caller.path];

/** The task a target names for this user, found when the command runs. */
export function resolve(model: Model, user: number, target: Target): number {
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

/** The If-Match header, from the version the model knows (another user's too: it must not matter). */
export function ifMatchHeader(ifMatch: IfMatch, task: Task | undefined): Record<string, string> {
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

export interface Reply {
  what: string;
  status: number;
  etag: string | null;
  location: string | null;
  body: unknown;
}

/** One request by `caller` to /api/{segment}/tasks{suffix}, checked against the contract. */
export async function call(
  caller: Caller,
  method: string,
  suffix: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const user = userOf(caller.user);
  const url = `${served().server.url}/api/${segmentOf(caller)}/tasks${suffix}`;
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
export function expectNoTaskOfAnother(value: unknown, userId: string, what: string): void {
  if (Array.isArray(value)) {
    for (const item of value) expectNoTaskOfAnother(item, userId, what);
  } else if (typeof value === "object" && value !== null) {
    if ("user_id" in value) expect(value.user_id, `${what}: another user's task`).toBe(userId);
    for (const item of Object.values(value)) expectNoTaskOfAnother(item, userId, what);
  }
}

export function expectStatus(reply: Reply, status: number): void {
  expect(`${reply.what} → ${reply.status} ${JSON.stringify(reply.body)}`).toBe(
    `${reply.what} → ${status} ${JSON.stringify(reply.body)}`,
  );
}

/** A problem answer with this status (the contract checked its shape already). */
export function expectProblem(reply: Reply, status: number): { detail?: string; task?: Task } {
  expectStatus(reply, status);
  expect((reply.body as { status: number }).status).toBe(status);
  return reply.body as { detail?: string; task?: Task };
}

/** Another user's id in the path: 403 whatever the rest of the request. */
export function refused(caller: Caller, reply: Reply): boolean {
  if (!isForeign(caller)) return false;
  expectProblem(reply, 403);
  return true;
}

/** A 200 with the task changed as `fields` say: version +1, a new updated_at. */
export function expectChanged(model: Model, reply: Reply, old: Task, fields: Partial<Task>): void {
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
export async function conditional(
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
export async function expectDatabaseMatches(model: Model): Promise<void> {
  const rows = await served()
    .database.db.select()
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

export type Real = Record<string, never>;

/** One API command: `action` sends it and checks the answer against the model, then updates it. */
export class Command implements fc.AsyncCommand<Model, Real> {
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

export const show = (caller: Caller, ...rest: unknown[]) =>
  [`u${caller.user}/${caller.path}`, ...rest.map((value) => JSON.stringify(value))].join(" ");

/** A run starts from no tasks: the three users' tasks are deleted directly in the database. */
export async function freshModel(): Promise<{ model: Model; real: Real }> {
  figures.runs++;
  for (const user of users) {
    // A full run outlasts a JWT's 15 minutes: a new one from the session well before it expires.
    if (Date.now() - user.tokenAt > 5 * 60_000) {
      user.token = await tokenFor(user.browser);
      user.tokenAt = Date.now();
    }
  }
  const removed = await served()
    .database.db.delete(tasks)
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
