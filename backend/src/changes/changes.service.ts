// Reading the change log (written by the triggers of migration 0007), and undoing a change. Every
// query is scoped by user_id in its WHERE clause: a feed that is not yours does not exist for you.
import { and, desc, eq, getTableColumns, gt, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { prepared } from "../db/prepared.ts";
import { type Change, changes, type Task, tasks } from "../db/schema.ts";
import type { CursorCodec } from "../lib/cursor.ts";
import { toIsoUtc } from "../lib/timestamps.ts";
import { type Actor, setChangeContext } from "./change-context.ts";

/** A change as the API gives it (the contract's changeSchema). */
export interface ChangeView {
  id: number;
  kind: Change["kind"];
  task_ids: number[];
  before: Task[] | null;
  after: Task[] | null;
  actor_id: string | null;
  request_id: string | null;
  undoes: number | null;
  created_at: string;
}

const TASK_KEYS = Object.keys(getTableColumns(tasks)) as (keyof Task)[];
const TIMESTAMPS = new Set<keyof Task>(["completed_at", "due_at", "created_at", "updated_at"]);

/**
 * A task as `to_jsonb` stored it, as the API gives tasks: its fields in the table's order and its
 * timestamps in UTC ("Z"), as a select would return them.
 */
function taskFromLog(stored: Record<string, unknown>): Task {
  const task: Record<string, unknown> = {};
  for (const key of TASK_KEYS) {
    const value = stored[key];
    task[key] = TIMESTAMPS.has(key) && typeof value === "string" ? toIsoUtc(value) : value;
  }
  return task as unknown as Task;
}

const tasksFromLog = (stored: unknown) =>
  Array.isArray(stored) ? stored.map((task) => taskFromLog(task as Record<string, unknown>)) : null;

export function changeView(change: Change): ChangeView {
  return {
    id: change.id,
    kind: change.kind,
    task_ids: change.task_ids,
    before: tasksFromLog(change.before),
    after: tasksFromLog(change.after),
    actor_id: change.actor_id,
    request_id: change.request_id,
    undoes: change.undoes,
    created_at: change.created_at,
  };
}

/** The id of the user's latest change, 0 when there is none. */
export async function latestChangeId(db: Db, userId: string): Promise<number> {
  const statement = prepared(db, "changes.latest", (name) =>
    db
      .select({ id: changes.id })
      .from(changes)
      .where(eq(changes.user_id, sql.placeholder("userId")))
      .orderBy(desc(changes.id))
      .limit(1)
      .prepare(name),
  );
  const [latest] = await statement.execute({ userId });
  return latest?.id ?? 0;
}

/** Whether change `id` is still in the user's log (not compacted away, and theirs). */
export async function hasChange(db: Db, userId: string, id: number): Promise<boolean> {
  const [found] = await db
    .select({ id: changes.id })
    .from(changes)
    .where(and(eq(changes.user_id, userId), eq(changes.id, id)));
  return found !== undefined;
}

/** The user's changes after `afterId`, oldest first: what a stream sends next. */
export async function changesAfter(
  db: Db,
  userId: string,
  afterId: number,
  limit: number,
): Promise<Change[]> {
  const statement = prepared(db, "changes.after", (name) =>
    db
      .select()
      .from(changes)
      .where(
        and(
          eq(changes.user_id, sql.placeholder("userId")),
          gt(changes.id, sql.placeholder("afterId")),
        ),
      )
      .orderBy(changes.id)
      .limit(sql.placeholder("limit"))
      .prepare(name),
  );
  return statement.execute({ userId, afterId, limit });
}

export interface ChangePage {
  items: ChangeView[];
  next_cursor: string | null;
}

/**
 * One page of the user's changes, newest first, after the page `cursor` ended (an opaque, signed
 * cursor, as the tasks list's); only those touching `taskId` when given, each narrowed to that
 * task. Undefined when the cursor is damaged or was made for someone else.
 */
export async function changePage(
  db: Db,
  cursors: CursorCodec,
  userId: string,
  options: { taskId?: number; cursor?: string; limit: number },
): Promise<ChangePage | undefined> {
  const { taskId, cursor, limit } = options;
  // A position in the user's log: good for any of their change lists (a task's or all of them).
  const binding = JSON.stringify(["changes", userId]);
  let before: number | undefined;
  if (cursor !== undefined) {
    const position = cursors.decode(cursor, binding);
    if (typeof position !== "number") return undefined;
    before = position;
  }
  const rows = await db
    .select()
    .from(changes)
    .where(
      and(
        eq(changes.user_id, userId),
        before === undefined ? undefined : lt(changes.id, before),
        taskId === undefined ? undefined : sql`${changes.task_ids} @> array[${taskId}]::integer[]`,
      ),
    )
    .orderBy(desc(changes.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit).map(changeView);
  const items =
    taskId === undefined
      ? page
      : page.map((change) => ({
          ...change,
          task_ids: [taskId],
          before: change.before?.filter((task) => task.id === taskId) ?? null,
          after: change.after?.filter((task) => task.id === taskId) ?? null,
        }));
  const last = page.at(-1);
  const more = rows.length > limit && last !== undefined;
  return { items, next_cursor: more ? cursors.encode(last.id, binding) : null };
}

/** The fields a user sets (and completed_at, which follows them): what undo puts back. */
const EDITABLE: (keyof Task)[] = [
  "title",
  "description",
  "is_completed",
  "completed_at",
  "priority",
  "due_at",
  "tags",
  "position",
];

/** Whether two forms of a task (or its absence) have the same editable fields. */
function sameFields(a: Task | null, b: Task | null): boolean {
  if (a === null || b === null) return a === b;
  return EDITABLE.every((key) => JSON.stringify(a[key]) === JSON.stringify(b[key]));
}

/** A task that changed after the change an undo would reverse. */
export interface UndoConflict {
  id: number;
  /** The version the change left it at (null: the change deleted it). */
  expected_version: number | null;
  /** The task as it is now (null: it is gone). */
  current: Task | null;
}

export type UndoResult =
  | { outcome: "undone"; change: ChangeView }
  | { outcome: "not_found" }
  | { outcome: "conflict"; conflicts: UndoConflict[] };

const columnName = (key: keyof Task) => (getTableColumns(tasks)[key] as { name: string }).name;
/** An update's reversal: every editable field (the ones undo compares) as it was in `b`. */
const REVERTED = sql.raw(
  EDITABLE.map((key) => `"${columnName(key)}" = b."${columnName(key)}"`).join(", "),
);
/** The columns a restored task is inserted with (not search_text, which is generated). */
const RESTORED_COLUMNS = sql.raw(TASK_KEYS.map((key) => `"${columnName(key)}"`).join(", "));
/** Their values from the log's row `b`: as they were, one version on, changed now. */
const RESTORED_VALUES = sql.raw(
  TASK_KEYS.map((key) =>
    key === "version" ? "b.version + 1" : key === "updated_at" ? "now()" : `b."${columnName(key)}"`,
  ).join(", "),
);

/**
 * Reverses change `id` of the actor's feed, if none of its tasks changed since (their fields are
 * as it left them): a create is deleted, an update put back, a delete restored with its ids. The reversal is itself a change
 * (with `undoes`), so undoing it redoes the original. All or nothing.
 */
export async function undoChange(db: Db, actor: Actor, id: number): Promise<UndoResult> {
  const [change] = await db
    .select()
    .from(changes)
    .where(and(eq(changes.user_id, actor.userId), eq(changes.id, id)));
  if (!change) return { outcome: "not_found" };
  const after = tasksFromLog(change.after) ?? [];
  const before = change.before ?? [];

  return db.transaction(async (tx) => {
    // The tasks as they are now, locked until the reversal commits.
    const current = await tx
      .select()
      .from(tasks)
      .where(
        and(
          eq(tasks.user_id, actor.userId),
          sql`${tasks.id} = any(${sql.param(change.task_ids)}::integer[])`,
        ),
      )
      .for("update");
    const byId = new Map(current.map((task) => [task.id, task]));
    // Each task must be as the change left it: gone after a delete, else with the same fields.
    // Fields, not versions: undoing a later change puts a task's fields back at a new version,
    // and the change before it must still be undoable then (Ctrl+Z, Ctrl+Z).
    const left = new Map<number, Task | null>(
      change.kind === "delete"
        ? change.task_ids.map((taskId) => [taskId, null])
        : after.map((task) => [task.id, task]),
    );
    const conflicts = [...left]
      .map(([taskId, expected]) => ({ expected, current: byId.get(taskId) ?? null, taskId }))
      .filter(({ expected, current }) => !sameFields(expected, current))
      .map(({ expected, current, taskId }) => ({
        id: taskId,
        expected_version: expected?.version ?? null,
        current,
      }));
    if (conflicts.length > 0) return { outcome: "conflict" as const, conflicts };

    await setChangeContext(tx, actor, change.id);
    const ids = sql.param(change.task_ids);
    if (change.kind === "create") {
      await tx.execute(
        sql`delete from tasks where user_id = ${actor.userId} and id = any(${ids}::integer[])`,
      );
    } else if (change.kind === "update") {
      // Every editable field as it was; the version moves on, so clients see a new one.
      await tx.execute(sql`
        update tasks t set ${REVERTED}, version = t.version + 1, updated_at = now()
        from jsonb_populate_recordset(null::tasks, ${JSON.stringify(before)}::jsonb) b
        where t.user_id = ${actor.userId} and t.id = b.id`);
    } else {
      // Back with their ids (generated always: OVERRIDING SYSTEM VALUE).
      await tx.execute(sql`
        insert into tasks (${RESTORED_COLUMNS}) overriding system value
        select ${RESTORED_VALUES}
        from jsonb_populate_recordset(null::tasks, ${JSON.stringify(before)}::jsonb) b`);
    }
    const [undo] = await tx
      .select()
      .from(changes)
      .where(
        and(
          eq(changes.user_id, actor.userId),
          sql`${changes.id} = currval(pg_get_serial_sequence('changes', 'id'))`,
        ),
      );
    if (!undo) throw new Error("the reversal wrote no change");
    return { outcome: "undone" as const, change: changeView(undo) };
  });
}

/** Deletes changes older than `days` days, a batch at a time; how many it deleted. */
export async function compactChanges(db: Db, days: number, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await db.execute(sql`
      delete from changes where ctid = any(array(
        select ctid from changes where created_at < now() - make_interval(days => ${days})
        limit ${batch}))
      returning 1`);
    total += rows.length;
    if (rows.length < batch) return total;
  }
}
