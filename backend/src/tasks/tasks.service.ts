// The task operations, as plain functions of (database, user id, input): the REST handlers call
// them, and so can a CLI or an MCP server. Every query is scoped by user_id in its WHERE clause.
// Lists are in tasks.list.ts.
import type { BulkAction, TaskFilter } from "@todo/contract/tasks";
import { and, eq, inArray, type Placeholder, sql } from "drizzle-orm";
import type { PgInsertValue } from "drizzle-orm/pg-core";
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

export async function createTask(db: Db, userId: string, input: NewTask): Promise<Task> {
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
  const statement = prepared(db, key, (name) =>
    db
      .insert(tasks)
      .values({
        ...placeholders,
        title: sql.placeholder("title"),
        user_id: sql.placeholder("userId"),
        completed_at: completed ? sql`now()` : null,
        // New tasks go to the end of the user's manual order unless a position is given.
        ...(input.position === undefined && {
          position: sql`(select coalesce(max(${tasks.position}), 0) + 1 from ${tasks} where ${tasks.user_id} = ${sql.placeholder("userId")})`,
        }),
      })
      .returning()
      .prepare(name),
  );
  const [task] = await statement.execute({ ...input, userId });
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
 * The user's task `id`, at `expectedVersion` if given (NaN: a version that matches nothing).
 * Each value may be a placeholder, for a prepared statement.
 */
const matching = (
  userId: string | Placeholder,
  id: number | Placeholder,
  expectedVersion: number | Placeholder | undefined,
) =>
  and(
    eq(tasks.id, id),
    eq(tasks.user_id, userId),
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
  userId: string,
  id: number,
  changes: TaskPatch,
  expectedVersion?: number,
): Promise<ChangeResult> {
  const { is_completed, ...fields } = changes;
  const [task] = await db
    .update(tasks)
    .set({
      ...fields,
      ...(is_completed === undefined
        ? {}
        : { is_completed, completed_at: completedAtFor(is_completed) }),
      version: sql`${tasks.version} + 1`,
    })
    .where(matching(userId, id, expectedVersion))
    .returning();
  return task ? { outcome: "changed", task } : noMatch(db, userId, id);
}

/** Sets completion, or toggles it when `isCompleted` is undefined. */
export async function setCompletion(
  db: Db,
  userId: string,
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
    // In SET, the right-hand sides see the row before the update.
    const next = toggle ? sql`not ${tasks.is_completed}` : sql`${sql.placeholder("isCompleted")}`;
    return db
      .update(tasks)
      .set({
        is_completed: next,
        completed_at: sql`case when ${next} then coalesce(${tasks.completed_at}, now()) else null end`,
        version: sql`${tasks.version} + 1`,
      })
      .where(matching(sql.placeholder("userId"), sql.placeholder("id"), version))
      .returning()
      .prepare(name);
  });
  const [task] = await statement.execute({ userId, id, isCompleted, version: expectedVersion });
  return task ? { outcome: "changed", task } : noMatch(db, userId, id);
}

export async function deleteTask(
  db: Db,
  userId: string,
  id: number,
  expectedVersion?: number,
): Promise<Exclude<ChangeResult, { outcome: "changed" }> | { outcome: "deleted" }> {
  const deleted = await db
    .delete(tasks)
    .where(matching(userId, id, expectedVersion))
    .returning({ id: tasks.id });
  if (deleted.length > 0) return { outcome: "deleted" };
  return (await noMatch(db, userId, id)) as Exclude<ChangeResult, { outcome: "changed" }>;
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

/** Applies one action to the rows `where` selects (in one statement); the ids it touched. */
async function applyBulk(
  db: Db,
  action: BulkAction,
  where: ReturnType<typeof and>,
  values: Record<string, unknown> = {},
): Promise<number[]> {
  const change = bulkChange(action);
  const statement = change
    ? db.update(tasks).set(change).where(where).returning({ id: tasks.id })
    : db.delete(tasks).where(where).returning({ id: tasks.id });
  const rows = await statement.execute(values);
  return rows.map((row) => row.id).sort((a, b) => a - b);
}

/**
 * Applies one action to many of the user's tasks, all or nothing: if any id is not the user's
 * task, nothing changes and the missing ids are returned.
 */
export async function bulkTasks(
  db: Db,
  userId: string,
  action: BulkAction,
  ids: number[],
): Promise<{ outcome: "done"; ids: number[] } | { outcome: "not_found"; missing: number[] }> {
  const wanted = [...new Set(ids)];
  const owned = and(eq(tasks.user_id, userId), inArray(tasks.id, wanted));
  try {
    return await db.transaction(async (tx) => {
      const changed = await applyBulk(tx, action, owned);
      if (changed.length !== wanted.length) throw new Missing();
      return { outcome: "done" as const, ids: changed };
    });
  } catch (error) {
    if (!(error instanceof Missing)) throw error;
    const found = await db.select({ id: tasks.id }).from(tasks).where(owned);
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
  userId: string,
  action: BulkAction,
  filter: TaskFilter,
  now = new Date(),
): Promise<number[]> {
  const { conditions, search, values } = filterConditions(userId, filter, now);
  return applyBulk(db, action, and(...conditions, ...search), values);
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
