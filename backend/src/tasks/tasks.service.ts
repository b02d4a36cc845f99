// The task operations, as plain functions of (database, user id, input): the REST handlers call
// them, and so can a CLI or an MCP server. Every query is scoped by user_id in its WHERE clause.
// Lists are in tasks.list.ts.
import type { BulkAction, TaskFilter } from "@todo/contract/tasks";
import { and, eq, inArray, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { PgInsertValue } from "drizzle-orm/pg-core";
import { type Actor, changeContext } from "../changes/change-context.ts";
import type { Db } from "../db/client.ts";
import { prepared } from "../db/prepared.ts";
import { type NewTask, type Task, type TaskPatch, tasks } from "../db/schema.ts";
import { filterConditions } from "./tasks.list.ts";

export async function getTask(db: Db, userId: string, id: number): Promise<Task | undefined> {
  const statement = prepared(db, "tasks.get", (name) =>
    db
      .select()
      .from(tasks)
      .where(and(eq(tasks.id, sql.placeholder("id")), eq(tasks.user_id, sql.placeholder("userId"))))
      .prepare(name),
  );
  const [task] = await statement.execute({ id, userId });
  return task;
}

/** completed_at follows is_completed: set on completion (kept if already set), cleared on reopening. */
const completedAtFor = (isCompleted: boolean) =>
  isCompleted ? sql`coalesce(${tasks.completed_at}, now())` : sql`null`;

export async function createTask(db: Db, actor: Actor, input: NewTask): Promise<Task> {
  // One prepared statement per set of given fields (as for lists): building the INSERT costs more
  // CPU than sending it, and Postgres parses and plans it once per connection.
  const given = (Object.keys(input) as (keyof NewTask)[])
    .filter((field) => input[field] !== undefined)
    .sort();
  const completed = input.is_completed === true;
  const placeholders = Object.fromEntries(
    given.map((field) => [field, sql.placeholder(field)]),
  ) as Partial<PgInsertValue<typeof tasks>>;
  const key = `tasks.create ${given.join(",")}${completed ? " done" : ""}`;
  const statement = prepared(db, key, (name) => {
    const context = changeContext(db, sql.placeholder("userId"), sql.placeholder("requestId"));
    return db
      .with(context.cte)
      .insert(tasks)
      .values({
        ...placeholders,
        title: sql.placeholder("title"),
        user_id: context.actor,
        completed_at: completed ? sql`now()` : null,
        // New tasks go to the end of the user's manual order unless a position is given.
        ...(input.position === undefined && {
          position: sql`(select coalesce(max(${tasks.position}), 0) + 1 from ${tasks} where ${tasks.user_id} = ${context.actor})`,
        }),
      })
      .returning()
      .prepare(name);
  });
  const [task] = await statement.execute({
    ...input,
    userId: actor.userId,
    requestId: actor.requestId ?? null,
  });
  if (!task) throw new Error("insert returned no row");
  return task;
}

export type ChangeResult =
  | { outcome: "changed"; task: Task }
  | { outcome: "not_found" }
  /** `If-Match` named an older version: nothing changed; here is the task as it is. */
  | { outcome: "stale"; current: Task };

/** Finishes a conditional change that matched no row: a stale version, or no such task. */
async function noMatch(db: Db, userId: string, id: number): Promise<ChangeResult> {
  const current = await getTask(db, userId, id);
  return current ? { outcome: "stale", current } : { outcome: "not_found" };
}

/**
 * The owner's task `id`, at `expectedVersion` if given (NaN: a version that matches nothing).
 * Each value may be a placeholder, for a prepared statement.
 */
const matching = (
  owner: SQL<string> | string | Placeholder,
  id: number | Placeholder,
  expectedVersion: number | Placeholder | undefined,
) =>
  and(
    eq(tasks.id, id),
    eq(tasks.user_id, owner),
    expectedVersion === undefined
      ? undefined
      : typeof expectedVersion === "number" && !Number.isInteger(expectedVersion)
        ? sql`false`
        : eq(tasks.version, expectedVersion),
  );

/**
 * Changes the given fields (PATCH), or all editable fields (PUT: pass every field, with defaults
 * for the ones the client left out). Bumps `version`; with `expectedVersion`, changes only that
 * version (optimistic concurrency).
 */
export async function updateTask(
  db: Db,
  actor: Actor,
  id: number,
  changes: TaskPatch,
  expectedVersion?: number,
): Promise<ChangeResult> {
  const { is_completed, ...fields } = changes;
  const context = changeContext(db, actor.userId, actor.requestId);
  const [task] = await db
    .with(context.cte)
    .update(tasks)
    .set({
      ...fields,
      ...(is_completed === undefined
        ? {}
        : { is_completed, completed_at: completedAtFor(is_completed) }),
      version: sql`${tasks.version} + 1`,
    })
    .where(matching(context.actor, id, expectedVersion))
    .returning();
  return task ? { outcome: "changed", task } : noMatch(db, actor.userId, id);
}

/** Sets completion, or toggles it when `isCompleted` is undefined. */
export async function setCompletion(
  db: Db,
  actor: Actor,
  id: number,
  isCompleted: boolean | undefined,
  expectedVersion?: number,
): Promise<ChangeResult> {
  const toggle = isCompleted === undefined;
  const version =
    expectedVersion === undefined
      ? undefined
      : Number.isInteger(expectedVersion)
        ? sql.placeholder("version")
        : Number.NaN;
  const key = `tasks.complete ${toggle ? "toggle" : "set"}${version === undefined ? "" : typeof version === "number" ? " never" : " if-match"}`;
  const statement = prepared(db, key, (name) => {
    const context = changeContext(db, sql.placeholder("userId"), sql.placeholder("requestId"));
    // In SET, the right-hand sides see the row before the update.
    const next = toggle ? sql`not ${tasks.is_completed}` : sql`${sql.placeholder("isCompleted")}`;
    return db
      .with(context.cte)
      .update(tasks)
      .set({
        is_completed: next,
        completed_at: sql`case when ${next} then coalesce(${tasks.completed_at}, now()) else null end`,
        version: sql`${tasks.version} + 1`,
      })
      .where(matching(context.actor, sql.placeholder("id"), version))
      .returning()
      .prepare(name);
  });
  const [task] = await statement.execute({
    userId: actor.userId,
    requestId: actor.requestId ?? null,
    id,
    isCompleted,
    version: expectedVersion,
  });
  return task ? { outcome: "changed", task } : noMatch(db, actor.userId, id);
}

export async function deleteTask(
  db: Db,
  actor: Actor,
  id: number,
  expectedVersion?: number,
): Promise<Exclude<ChangeResult, { outcome: "changed" }> | { outcome: "deleted" }> {
  const context = changeContext(db, actor.userId, actor.requestId);
  const deleted = await db
    .with(context.cte)
    .delete(tasks)
    .where(matching(context.actor, id, expectedVersion))
    .returning({ id: tasks.id });
  if (deleted.length > 0) return { outcome: "deleted" };
  return (await noMatch(db, actor.userId, id)) as Exclude<ChangeResult, { outcome: "changed" }>;
}

/** Thrown inside the bulk transaction to roll it back when some ids are not the user's. */
class Missing extends Error {}

/** What a bulk action sets, or undefined for a delete. */
const bulkChange = (action: BulkAction) =>
  action === "delete"
    ? undefined
    : {
        is_completed: action === "complete",
        completed_at: completedAtFor(action === "complete"),
        version: sql`${tasks.version} + 1`,
      };

/**
 * Applies one action to the actor's tasks that `where` selects, in one statement; the ids it
 * touched.
 */
async function applyBulk(
  db: Db,
  actor: Actor,
  action: BulkAction,
  where: SQL | undefined,
  values: Record<string, unknown> = {},
): Promise<number[]> {
  const change = bulkChange(action);
  const context = changeContext(db, actor.userId, actor.requestId);
  const owned = and(eq(tasks.user_id, context.actor), where);
  const statement = change
    ? db.with(context.cte).update(tasks).set(change).where(owned).returning({ id: tasks.id })
    : db.with(context.cte).delete(tasks).where(owned).returning({ id: tasks.id });
  const rows = await statement.execute(values);
  return rows.map((row) => row.id).sort((a, b) => a - b);
}

/**
 * Applies one action to many of the user's tasks, all or nothing: if any id is not the user's
 * task, nothing changes and the missing ids are returned.
 */
export async function bulkTasks(
  db: Db,
  actor: Actor,
  action: BulkAction,
  ids: number[],
): Promise<{ outcome: "done"; ids: number[] } | { outcome: "not_found"; missing: number[] }> {
  const wanted = [...new Set(ids)];
  try {
    return await db.transaction(async (tx) => {
      const changed = await applyBulk(tx, actor, action, inArray(tasks.id, wanted));
      if (changed.length !== wanted.length) throw new Missing();
      return { outcome: "done" as const, ids: changed };
    });
  } catch (error) {
    if (!(error instanceof Missing)) throw error;
    const found = await db
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(eq(tasks.user_id, actor.userId), inArray(tasks.id, wanted)));
    const foundIds = new Set(found.map((row) => row.id));
    return { outcome: "not_found", missing: wanted.filter((id) => !foundIds.has(id)) };
  }
}

/**
 * Applies one action to every task the list with `filter` shows, in one statement: all of them or,
 * if it fails, none.
 */
export async function bulkTasksMatching(
  db: Db,
  actor: Actor,
  action: BulkAction,
  filter: TaskFilter,
  now = new Date(),
): Promise<number[]> {
  const { conditions, search, values } = filterConditions(actor.userId, filter, now);
  return applyBulk(db, actor, action, and(...conditions, ...search), values);
}

export interface TaskStats {
  total: number;
  pending: number;
  completed: number;
  overdue: number;
}

export async function taskStats(db: Db, userId: string): Promise<TaskStats> {
  const statement = prepared(db, "tasks.stats", (name) =>
    db
      .select({
        total: sql<number>`count(*)::int`,
        pending: sql<number>`(count(*) filter (where not ${tasks.is_completed}))::int`,
        completed: sql<number>`(count(*) filter (where ${tasks.is_completed}))::int`,
        overdue: sql<number>`(count(*) filter (where not ${tasks.is_completed} and ${tasks.due_at} < now()))::int`,
      })
      .from(tasks)
      .where(eq(tasks.user_id, sql.placeholder("userId")))
      .prepare(name),
  );
  const [stats] = await statement.execute({ userId });
  return stats ?? { total: 0, pending: 0, completed: 0, overdue: 0 };
}
