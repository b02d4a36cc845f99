// One page of a user's tasks: the list query (filters, sort, keyset pages, the two search steps
// of decision 014) and its cursors. Every query is scoped by user_id in its WHERE clause.
import { TZDate } from "@date-fns/tz";
import type { Sort, TaskFilter, TaskListQuery } from "@todo/contract/tasks";
import { type AnyColumn, and, asc, desc, getTableColumns, type SQL, sql } from "drizzle-orm";
import { PgDialect, type PreparedQueryConfig } from "drizzle-orm/pg-core";
import type { Db } from "../db/client.ts";
import { prepared } from "../db/prepared.ts";
import { rowReader } from "../db/rows.ts";
import { SEARCH_TEXT, type Task, tasks, titleSortKey } from "../db/schema.ts";
import type { CursorCodec } from "../lib/cursor.ts";

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
export function filterConditions(
  userId: string,
  filters: TaskFilter,
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

export interface ListOptions {
  filters: TaskFilter;
  sort: Sort;
  limit: number;
  after?: Position | undefined;
  now?: Date;
}

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

/**
 * The list query (built on demand), with placeholders, and the values for them. One row more than
 * the page is fetched, to know whether more follow. Benchmarks EXPLAIN it.
 */
export function listStatement(
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
  const { query, values } = listStatement(db, userId, options);
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

export interface TaskPage {
  items: Task[];
  next_cursor: string | null;
}

/**
 * The page `GET /tasks` answers. Its cursor holds the position after which it starts, signed and
 * bound to the user, the sort and the filters: undefined when the cursor is damaged or was made
 * for another query or user.
 */
export async function taskPage(
  db: Db,
  cursors: CursorCodec,
  userId: string,
  query: TaskListQuery,
): Promise<TaskPage | undefined> {
  const { cursor, sort, limit, ...filters } = query;
  const binding = JSON.stringify([userId, sort, filters]);
  let after: Position | undefined;
  if (cursor) {
    after = cursors.decode(cursor, binding) as Position | undefined;
    if (!after) return undefined;
  }
  const page = await listTasks(db, userId, { filters, sort, limit, after });
  return { items: page.items, next_cursor: page.next ? cursors.encode(page.next, binding) : null };
}
