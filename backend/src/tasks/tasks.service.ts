// The task operations, as plain functions of (database, user id, input): the REST handlers call
// them, and so can a CLI or an MCP server. Every query is scoped by user_id in its WHERE clause.
import { TZDate } from "@date-fns/tz";
import {
  type AnyColumn,
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  inArray,
  type Placeholder,
  type SQL,
  sql,
} from "drizzle-orm";
import { PgDialect, type PgInsertValue, type PreparedQueryConfig } from "drizzle-orm/pg-core";
import type { Db } from "../db/client.ts";
import { prepared } from "../db/prepared.ts";
import { rowReader } from "../db/rows.ts";
import {
  type NewTask,
  SEARCH_TEXT,
  type Task,
  type TaskPatch,
  tasks,
  titleSortKey,
} from "../db/schema.ts";

export const SORTS = [
  "created",
  "-created",
  "due",
  "-due",
  "priority",
  "-priority",
  "title",
  "-title",
  "position",
] as const;
export type Sort = (typeof SORTS)[number];
export const STATUSES = ["all", "pending", "completed"] as const;
export const DUE_FILTERS = ["overdue", "today", "upcoming", "none"] as const;

export interface ListFilters {
  status: (typeof STATUSES)[number];
  q?: string | undefined;
  tag?: string | undefined;
  priority?: Task["priority"] | undefined;
  due?: (typeof DUE_FILTERS)[number] | undefined;
  /** IANA time zone that decides what "today" is. */
  tz: string;
}

/** Where a page starts: just after the task with this sort key (as text) and id. */
export interface Position {
  key: string;
  id: number;
}

// `due` sorts tasks without a date last: the same expression as the tasks_user_due_idx index.
const dueKey = sql`coalesce(${tasks.due_at}, 'infinity'::timestamptz)`;

/** Each sort key, with the SQL type its text form is cast back to when a cursor resumes. */
const SORT_KEYS: Record<string, { key: AnyColumn | SQL; type: string }> = {
  created: { key: tasks.created_at, type: "timestamptz" },
  due: { key: dueKey, type: "timestamptz" },
  priority: { key: tasks.priority, type: "task_priority" },
  // Natural order ("#19" before "#103"): the expression of tasks_user_title_natural_idx.
  title: { key: titleSortKey(tasks.title), type: "text" },
  position: { key: tasks.position, type: "float8" },
};

function sortSpec(sort: Sort) {
  const descending = sort.startsWith("-");
  const spec = SORT_KEYS[descending ? sort.slice(1) : sort];
  if (!spec) throw new Error(`unknown sort ${sort}`);
  return { ...spec, descending };
}

/** Escapes LIKE wildcards so a search for "100%" finds the text "100%". */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, "\\$&")}%`;

/** The words of a search (split at whitespace), each to be found on its own; duplicates dropped. */
export const searchWords = (q: string) => [
  ...new Map(
    q
      .split(/\s+/u)
      .filter(Boolean)
      .map((word) => [word.toLowerCase(), word]),
  ).values(),
];

// pg_trgm makes trigrams of runs of letters and digits only: a word without three in a row ("ab",
// "#19", "c++") has none, and the trigram index would have to read all of its entries.
const HAS_TRIGRAM = /[\p{L}\p{N}]{3}/u;

/** The start of today and of tomorrow in `tz`, as instants. */
function dayBounds(tz: string, now: Date) {
  const local = new TZDate(now, tz);
  const today = new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), tz);
  const tomorrow = new TZDate(local.getFullYear(), local.getMonth(), local.getDate() + 1, tz);
  return { today: today.toISOString(), tomorrow: tomorrow.toISOString() };
}

/** The values a list query's placeholders take. */
type ListValues = Record<string, unknown>;

/**
 * The WHERE conditions for these filters, with every value a placeholder (so one prepared
 * statement serves every user and every search text), and the values to fill them with.
 */
function filterConditions(
  userId: string,
  filters: ListFilters,
  now: Date,
): { conditions: SQL[]; search: SQL[]; values: ListValues } {
  const p = sql.placeholder;
  const conditions: SQL[] = [sql`${tasks.user_id} = ${p("userId")}`];
  const search: SQL[] = [];
  const values: ListValues = { userId };
  if (filters.status !== "all") {
    conditions.push(sql`${tasks.is_completed} = ${p("completed")}`);
    values.completed = filters.status === "completed";
  }
  if (filters.q) {
    // Every word, anywhere in the title, description or tags (search_text, lower case). A word
    // with a trigram can be looked up in tasks_user_search_idx (LIKE); the others are checked
    // with strpos, which that index cannot take (without a trigram, it would read all of it).
    searchWords(filters.q).forEach((word, i) => {
      const value = p(`q${i}`);
      if (HAS_TRIGRAM.test(word)) {
        search.push(sql`${SEARCH_TEXT} like lower(${value})`);
        values[`q${i}`] = likePattern(word);
      } else {
        search.push(sql`strpos(${SEARCH_TEXT}, lower(${value})) > 0`);
        values[`q${i}`] = word;
      }
    });
  }
  if (filters.tag) {
    conditions.push(sql`${tasks.tags} @> array[${p("tag")}]::text[]`);
    values.tag = filters.tag;
  }
  if (filters.priority) {
    conditions.push(sql`${tasks.priority} = ${p("priority")}`);
    values.priority = filters.priority;
  }
  if (filters.due) {
    const { today, tomorrow } = dayBounds(filters.tz, now);
    Object.assign(values, { now: now.toISOString(), today, tomorrow });
    const due = {
      overdue: sql`${dueKey} < ${p("now")}::timestamptz and not ${tasks.is_completed}`,
      today: sql`${dueKey} >= ${p("today")}::timestamptz and ${dueKey} < ${p("tomorrow")}::timestamptz`,
      upcoming: sql`${dueKey} >= ${p("tomorrow")}::timestamptz and ${dueKey} < 'infinity'::timestamptz`,
      none: sql`${dueKey} = 'infinity'::timestamptz`,
    }[filters.due];
    conditions.push(due);
  }
  return { conditions, search, values };
}

interface ListOptions {
  filters: ListFilters;
  sort: Sort;
  limit: number;
  after?: Position | undefined;
  now?: Date;
}

/**
 * The list query (built on demand), with placeholders, and the values for them. One row more than the page is
 * fetched, to know whether more follow. Benchmarks EXPLAIN it.
 */
/**
 * How a search runs (decision 014). "walk": look for the page among the first WALK_ROWS tasks in
 * the list's order only, which finds it at once when the words are common. "matches": find every
 * match, by index where a word has a trigram, then sort them, which is cheap when they are few.
 * The planner cannot choose between the two for a search: its estimate for several words, or for
 * words without trigrams, can be off by a factor of 1,000 either way.
 */
export type SearchPlan = "walk" | "matches";
/** Tasks a search's first step reads at most: a few milliseconds (bench/results/tasks-search.md). */
export const WALK_ROWS = 2_000;

const dialect = new PgDialect();
// Unqualified: the search steps select them from a CTE that holds the task's row.
const TASK_COLUMNS = sql.raw(
  Object.values(getTableColumns(tasks))
    .map((column) => `"${column.name}"`)
    .join(", "),
);

export function listQuery(
  db: Db,
  userId: string,
  options: ListOptions & { searchPlan?: SearchPlan | undefined },
) {
  const { key, type, descending } = sortSpec(options.sort);
  const { conditions, search, values } = filterConditions(
    userId,
    options.filters,
    options.now ?? new Date(),
  );
  if (options.after) {
    // Keyset: resume strictly after the last row of the previous page, in (key, id) order.
    const operator = sql.raw(descending ? "<" : ">");
    const resumeKey = sql`cast(${sql.placeholder("afterKey")} as ${sql.raw(type)})`;
    conditions.push(
      sql`(${key}, ${tasks.id}) ${operator} (${resumeKey}, ${sql.placeholder("afterId")})`,
    );
    Object.assign(values, { afterKey: options.after.key, afterId: options.after.id });
  }
  values.limit = options.limit + 1;
  const order = descending ? desc : asc;
  const direction = sql.raw(descending ? "desc" : "asc");
  const limit = sql.placeholder("limit");
  const rows = sql`${tasks}.*, ${key} as sort_key from ${tasks}`;
  // The text form is selected under another name: ORDER BY takes an output column's name first,
  // and the text of a priority or a position does not sort as its value ("low" < "none", "10" < "9").
  const page = sql`order by sort_key ${direction}, "id" ${direction} limit ${limit}`;
  // Built only when the statement is prepared: each later call needs the values alone.
  // The task's columns in table order, then the sort key: the order readListRow expects.
  const query = () => {
    switch (options.searchPlan) {
      case "walk": {
        // Also how many tasks were read: fewer than WALK_ROWS means the list ended, all seen.
        const text = sql`with walk as (select ${rows} where ${and(...conditions)} order by ${order(key)}, ${order(tasks.id)} limit ${WALK_ROWS}) select ${TASK_COLUMNS}, sort_key::text as sort_text, (select count(*) from walk)::int from walk where ${and(...search)} ${page}`;
        return { toSQL: () => dialect.sqlToQuery(text) };
      }
      case "matches": {
        // Materialized: every match is found first, so the planner has no LIMIT to walk towards.
        const text = sql`with matches as materialized (select ${rows} where ${and(...conditions, ...search)}) select ${TASK_COLUMNS}, sort_key::text as sort_text from matches ${page}`;
        return { toSQL: () => dialect.sqlToQuery(text) };
      }
      default:
        return db
          .select({ ...getTableColumns(tasks), sortKey: sql<string>`(${key})::text` })
          .from(tasks)
          .where(and(...conditions, ...search))
          .orderBy(order(key), order(tasks.id))
          .limit(limit);
    }
  };
  return { query, values };
}

interface ListRow {
  task: Task;
  sortKey: string;
  /** A search's walk: how many tasks it read. */
  walked?: number;
}
const readTask = rowReader(tasks);
const SORT_KEY_COLUMN = Object.keys(getTableColumns(tasks)).length;
const readListRow = (row: unknown[]): ListRow => ({
  task: readTask(row),
  sortKey: row[SORT_KEY_COLUMN] as string,
  walked: row[SORT_KEY_COLUMN + 1] as number | undefined,
});

/**
 * One page of the user's tasks, keyset-paginated: `after` is the last task of the previous page.
 * Returns the page and, when more tasks follow, the position to continue after.
 */
export async function listTasks(
  db: Db,
  userId: string,
  options: ListOptions,
): Promise<{ items: Task[]; next: Position | null }> {
  if (options.filters.q) {
    // A search: first the walk, bounded; when it found less than a page among WALK_ROWS tasks,
    // the matches are sparse, and finding them all by index is the cheap way.
    const walked = await runList(db, userId, { ...options, searchPlan: "walk" });
    const [first] = walked.rows;
    const complete =
      walked.rows.length > options.limit ||
      (first !== undefined && (first.walked ?? WALK_ROWS) < WALK_ROWS);
    return pageOf(
      complete
        ? walked.rows
        : (await runList(db, userId, { ...options, searchPlan: "matches" })).rows,
      options.limit,
    );
  }
  return pageOf((await runList(db, userId, options)).rows, options.limit);
}

function pageOf(rows: ListRow[], limit: number): { items: Task[]; next: Position | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => row.task),
    next: rows.length > limit && last ? { key: last.sortKey, id: last.task.id } : null,
  };
}

async function runList(
  db: Db,
  userId: string,
  options: ListOptions & { searchPlan?: SearchPlan },
): Promise<{ rows: ListRow[] }> {
  const { query, values } = listQuery(db, userId, options);
  const readRows = (rows: unknown[][]) => rows.map(readListRow);
  const key = listStatementKey(options);
  const statement =
    key === undefined
      ? db._.session.prepareQuery<{ execute: ListRow[] } & PreparedQueryConfig>(
          query().toSQL(),
          undefined,
          undefined,
          true,
          readRows,
        )
      : prepared(db, key, (name) =>
          db._.session.prepareQuery<{ execute: ListRow[] } & PreparedQueryConfig>(
            query().toSQL(),
            undefined,
            name,
            true,
            readRows,
          ),
        );
  return { rows: await statement.execute(values) };
}

/**
 * The key of the prepared statement a list query runs as, or undefined when it is planned anew
 * with its values each time (an unnamed statement).
 */
export function listStatementKey(options: ListOptions): string | undefined {
  const { filters } = options;
  // A search or a tag is planned with its value: how many tasks match decides between walking the
  // sort index and looking the value up in its index, and a prepared statement's generic plan,
  // blind to the value, walks the user's whole list for a rare word (decision 014). Planning costs
  // ~1 ms; the wrong plan costs 100 ms at 100,000 tasks.
  if (filters.q || filters.tag) return undefined;
  // Otherwise one prepared statement per query shape: planning costs ~1 ms, more than the query
  // itself (bench/results/tasks-explain.md).
  return `tasks.list ${[
    options.sort.replace("-", "desc_"),
    filters.status,
    filters.q ? "q" : "",
    filters.tag ? "tag" : "",
    filters.priority ? "priority" : "",
    filters.due ?? "",
    options.after ? "after" : "",
  ].join("_")}`;
}

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

export const BULK_ACTIONS = ["complete", "uncomplete", "delete"] as const;
/** Thrown inside the bulk transaction to roll it back when some ids are not the user's. */
class Missing extends Error {}
export const BULK_MAX = 500;

/**
 * Applies one action to many of the user's tasks, all or nothing: if any id is not the user's
 * task, nothing changes and the missing ids are returned.
 */
export async function bulkTasks(
  db: Db,
  userId: string,
  action: (typeof BULK_ACTIONS)[number],
  ids: number[],
): Promise<{ outcome: "done"; ids: number[] } | { outcome: "not_found"; missing: number[] }> {
  const wanted = [...new Set(ids)];
  const owned = and(eq(tasks.user_id, userId), inArray(tasks.id, wanted));
  try {
    return await db.transaction(async (tx) => {
      const changed =
        action === "delete"
          ? await tx.delete(tasks).where(owned).returning({ id: tasks.id })
          : await tx
              .update(tasks)
              .set({
                is_completed: action === "complete",
                completed_at: completedAtFor(action === "complete"),
                version: sql`${tasks.version} + 1`,
              })
              .where(owned)
              .returning({ id: tasks.id });
      if (changed.length !== wanted.length) throw new Missing();
      return { outcome: "done" as const, ids: changed.map((row) => row.id).sort((a, b) => a - b) };
    });
  } catch (error) {
    if (!(error instanceof Missing)) throw error;
    const found = await db.select({ id: tasks.id }).from(tasks).where(owned);
    const foundIds = new Set(found.map((row) => row.id));
    return { outcome: "not_found", missing: wanted.filter((id) => !foundIds.has(id)) };
  }
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
