// From @hono/zod-openapi, not "zod": importing it first extends Zod with .openapi() before any
// schema below is built (Zod 4 gives each schema its methods when it is created).
import { z } from "@hono/zod-openapi";
import { CHANGE_KINDS } from "@todo/contract/changes";
import {
  DESCRIPTION_MAX,
  PRIORITIES,
  TAGS_MAX,
  TASK_DEFAULTS,
  TITLE_MAX,
  taskFields,
} from "@todo/contract/tasks";
import { userFields } from "@todo/contract/users";
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uuid,
} from "drizzle-orm/pg-core";
import { createInsertSchema, createSelectSchema } from "drizzle-zod";
import { toIsoUtc } from "../lib/timestamps.ts";
import { users } from "./auth.tables.ts";

export * from "./auth.tables.ts";

/**
 * A `timestamptz` read as an ISO 8601 UTC string ("2026-11-24T10:00:00.123456Z").
 * It skips the Date round trip (costly on list pages) and keeps Postgres' microseconds,
 * which keyset cursors need to compare exactly.
 */
const timestamptz = customType<{ data: string; driverData: string }>({
  dataType: () => "timestamp with time zone",
  fromDriver: toIsoUtc,
});

// ---- Tasks ----

// A Postgres enum sorts in declaration order, so `ORDER BY priority` is none < low < medium < high.
export const taskPriority = pgEnum("task_priority", PRIORITIES);

/**
 * The title as `sort=title` orders it: lower case, each run of digits left-padded with zeros to 20
 * digits, so that numbers compare as numbers ("#19" < "#103") under any collation, PGlite's
 * included (it has no ICU numeric collation). Immutable built-ins only, so an index can hold it
 * and keyset cursors resume on it. Runs longer than 20 digits keep their length (no digit is lost).
 */
export const titleSortKey = (title: AnyPgColumn) =>
  sql`regexp_replace(regexp_replace(lower(${title}), '[0-9]+', '00000000000000000000\\&', 'g'), '0*([0-9]{20,})', '\\1', 'g')`;

/**
 * The generated column `tasks.search_text` (migration 0005): lower(title, description and tags,
 * separated by spaces), kept by Postgres from those columns. It is left out of the table definition
 * on purpose: Drizzle would then return it from every select and RETURNING, in every API response.
 * A search word never contains a space, so it cannot match across two fields.
 */
export const SEARCH_TEXT = sql.raw(`"search_text"`);

export const tasks = pgTable(
  "tasks",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    user_id: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text().notNull(),
    description: text().notNull().default(TASK_DEFAULTS.description),
    is_completed: boolean().notNull().default(TASK_DEFAULTS.is_completed),
    completed_at: timestamptz(),
    priority: taskPriority().notNull().default(TASK_DEFAULTS.priority),
    due_at: timestamptz(),
    tags: text()
      .array()
      .notNull()
      .default([...TASK_DEFAULTS.tags]),
    position: doublePrecision().notNull().default(0),
    version: integer().notNull().default(1),
    created_at: timestamptz().notNull().default(sql`now()`),
    updated_at: timestamptz()
      .notNull()
      .default(sql`now()`)
      .$onUpdate(() => sql`now()`),
  },
  (t) => [
    check(
      "tasks_title_length",
      sql`char_length(btrim(${t.title}, E' \\t\\n\\r')) between 1 and ${sql.raw(String(TITLE_MAX))}`,
    ),
    check(
      "tasks_description_length",
      sql`char_length(${t.description}) <= ${sql.raw(String(DESCRIPTION_MAX))}`,
    ),
    check("tasks_tags_count", sql`cardinality(${t.tags}) <= ${sql.raw(String(TAGS_MAX))}`),
    check("tasks_version_positive", sql`${t.version} >= 1`),
    // completed_at is set exactly when the task is completed, so the two can never disagree.
    check("tasks_completed_at_matches", sql`${t.is_completed} = (${t.completed_at} is not null)`),
    // Lists sorted by creation (default order), newest or oldest first; `id` breaks ties for keyset pages.
    index("tasks_user_created_idx").on(t.user_id, t.created_at, t.id),
    // Lists filtered by status in creation order, and the pending/completed counts.
    index("tasks_user_status_created_idx").on(t.user_id, t.is_completed, t.created_at, t.id),
    // Lists sorted by due date (no date last), and the overdue / today / upcoming / none filters:
    // all written against this same expression, so one index serves them.
    index("tasks_user_due_idx").on(
      t.user_id,
      sql`coalesce(${t.due_at}, 'infinity'::timestamptz)`,
      t.id,
    ),
    // Lists sorted by priority (enum order).
    index("tasks_user_priority_idx").on(t.user_id, t.priority, t.id),
    // Lists sorted by title, case-insensitively and in natural order ("#19" before "#103"): the
    // same expression as titleSortKey.
    index("tasks_user_title_natural_idx").on(t.user_id, titleSortKey(t.title), t.id),
    // Lists in the user's manual order.
    index("tasks_user_position_idx").on(t.user_id, t.position, t.id),
    // `tag=` filter: array containment (`tags @> '{x}'`), scoped to the user by btree_gin.
    index("tasks_user_tags_idx").using("gin", t.user_id, t.tags),
    // `q=` search (decision 014): words with three letters or digits in a row, by trigrams
    // (pg_trgm), on `search_text`: a generated column this file does not declare, so that no
    // select or RETURNING carries it (see SEARCH_TEXT).
    index("tasks_user_search_idx").using("gin", t.user_id, sql`${SEARCH_TEXT} gin_trgm_ops`),
  ],
);

/**
 * POST retries: the first response to a (user, Idempotency-Key) is kept for at least 24 hours and
 * replayed for a retry with the same body. `response_status` is null while the first request runs.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    user_id: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: text().notNull(),
    request_hash: text().notNull(),
    response_status: integer(),
    response_body: text(),
    created_at: timestamptz().notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.user_id, t.key] }),
    // Expired keys are deleted by age.
    index("idempotency_keys_created_idx").on(t.created_at),
  ],
);

// ---- The change log (changes/, decision 021) ----

export const changeKind = pgEnum("change_kind", CHANGE_KINDS);

/**
 * Every change to a user's tasks: one row per statement (a bulk is one change), written in the
 * statement's own transaction by triggers on `tasks` (migration 0007), so no code path can forget
 * one and none outlives a rollback. The trigger takes the feed's lock first, so a user's changes
 * get their ids in the order they commit: a reader that saw id N never later finds a smaller one.
 * The statement says who and which request through `todo.*` settings (changes/change-context.ts).
 */
export const changes = pgTable(
  "changes",
  {
    /** Whose feed the change is in: the owner of its tasks. */
    user_id: uuid().notNull(),
    id: bigint({ mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    kind: changeKind().notNull(),
    task_ids: integer().array().notNull(),
    /** The tasks as they were (null for a create), as `to_jsonb` gives a row. */
    before: jsonb(),
    /** The tasks as they are after it (null for a delete). */
    after: jsonb(),
    /** Who made it; null when no one said (a hand-written statement). Not a foreign key: it stays
     * when that account is deleted. */
    actor_id: uuid(),
    request_id: text(),
    /** The change this one reversed (undo, and redo: the undo of an undo). */
    undoes: bigint({ mode: "number" }),
    created_at: timestamptz().notNull().default(sql`now()`),
  },
  (t) => [
    // The only b-tree: a feed from a cursor (the stream), an undo by id, history newest first. No
    // foreign key either: each would cost every write a lookup and a lock on the users row; a
    // trigger on users deletes the feed of a deleted account instead.
    primaryKey({ columns: [t.user_id, t.id] }),
    // The retention clean-up: rows are appended in time order, so a BRIN index is a few pages.
    index("changes_created_at_idx").using("brin", t.created_at),
  ],
);

export type Change = typeof changes.$inferSelect;

export type User = typeof users.$inferSelect;
export type Task = typeof tasks.$inferSelect;

// ---- Zod schemas derived from the tables (the SQLModel role: one definition, two uses) ----

const isoDateTime = z.iso.datetime({ offset: true });

// Refinements are callbacks, not schemas: drizzle-zod then keeps each column's optional/nullable.
const taskRefinements = {
  title: () => taskFields.title,
  description: () => taskFields.description,
  due_at: () => taskFields.due_at,
  tags: () => taskFields.tags,
  position: () => taskFields.position,
} as const;

/**
 * Fields the server owns besides `id` (generated always, so never in an insert schema). Omitted here
 * and refused by `.strict()` like any unknown key.
 */
const serverOwned = {
  user_id: true,
  version: true,
  completed_at: true,
  created_at: true,
  updated_at: true,
} as const;

export const selectTaskSchema = createSelectSchema(tasks, {
  // Any finite double, as clients may set it (drizzle-zod would declare ±2^47).
  position: () => z.number(),
  completed_at: () => isoDateTime,
  due_at: () => isoDateTime,
  created_at: () => isoDateTime,
  updated_at: () => isoDateTime,
});

/** A new task from a client: title required, everything else optional, unknown keys refused. */
export const insertTaskSchema = createInsertSchema(tasks, taskRefinements)
  .omit(serverOwned)
  .strict();

/** A partial change from a client: any editable field, at least one, unknown keys refused. */
export const patchTaskSchema = insertTaskSchema
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, "send at least one field to change");

export type NewTask = z.infer<typeof insertTaskSchema>;
export type TaskPatch = z.infer<typeof patchTaskSchema>;

const userRefinements = {
  email: () => userFields.email,
  name: () => userFields.name,
  image: () => userFields.image,
} as const;

export const insertUserSchema = createInsertSchema(users, userRefinements)
  .omit({ id: true, emailVerified: true, createdAt: true, updatedAt: true })
  .strict();
export type NewUser = z.infer<typeof insertUserSchema>;

/**
 * What a user may set about themselves through Better Auth (sign-up, update-user): `image: null`
 * removes the picture.
 */
export const profileSchema = insertUserSchema.pick({ name: true, image: true }).partial();
