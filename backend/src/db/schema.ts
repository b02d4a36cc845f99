import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { createInsertSchema, createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { toIsoUtc } from "../lib/timestamps.ts";

/**
 * A `timestamptz` read as an ISO 8601 UTC string ("2026-11-24T10:00:00.123456Z").
 * It skips the Date round trip (costly on list pages) and keeps Postgres' microseconds,
 * which keyset cursors need to compare exactly.
 */
const timestamptz = customType<{ data: string; driverData: string }>({
  dataType: () => "timestamp with time zone",
  fromDriver: toIsoUtc,
});

// Better Auth's user model (configured with `user.modelName = "users"`). Its timestamps stay
// Dates because Better Auth does date arithmetic on them.
export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    email: text().notNull().unique("users_email_unique"),
    email_verified: boolean().notNull().default(false),
    image: text(),
    created_at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updated_at: timestamp({ withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    // Uniqueness is case-insensitive because every stored email is trimmed and lower-case.
    check("users_email_normalized", sql`${t.email} = lower(btrim(${t.email}))`),
  ],
);

// A Postgres enum sorts in declaration order, so `ORDER BY priority` is none < low < medium < high.
export const taskPriority = pgEnum("task_priority", ["none", "low", "medium", "high"]);

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 5000;
export const TAGS_MAX = 20;
export const TAG_MAX = 32;

export const tasks = pgTable(
  "tasks",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    user_id: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text().notNull(),
    description: text().notNull().default(""),
    is_completed: boolean().notNull().default(false),
    completed_at: timestamptz(),
    priority: taskPriority().notNull().default("none"),
    due_at: timestamptz(),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
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
    // Lists sorted by due date, and the overdue / due-today / upcoming filters (range scans).
    index("tasks_user_due_idx").on(t.user_id, t.due_at, t.id),
    // Lists sorted by priority (enum order).
    index("tasks_user_priority_idx").on(t.user_id, t.priority, t.id),
    // Lists sorted by title, case-insensitively.
    index("tasks_user_title_idx").on(t.user_id, sql`lower(${t.title})`, t.id),
    // Lists in the user's manual order.
    index("tasks_user_position_idx").on(t.user_id, t.position, t.id),
    // `tag=` filter: array containment (`tags @> '{x}'`), scoped to the user by btree_gin.
    index("tasks_user_tags_idx").using("gin", t.user_id, t.tags),
    // `q=` search: the user's tasks whose title or description contains the text, any case (pg_trgm).
    index("tasks_user_search_idx").using(
      "gin",
      t.user_id,
      sql`(${t.title} || ' ' || ${t.description}) gin_trgm_ops`,
    ),
  ],
);

export type User = typeof users.$inferSelect;
export type Task = typeof tasks.$inferSelect;

// ---- Zod schemas derived from the tables (the SQLModel role: one definition, two uses) ----

/** Unicode control characters (C0, DEL, C1), NUL included: never in a title or a tag. */
const CONTROL_CHARS = /\p{Cc}/u;
/** Descriptions are multi-line: tab, line feed and carriage return are allowed there. */
const CONTROL_CHARS_EXCEPT_LINE_BREAKS = /(?![\t\n\r])\p{Cc}/u;

const isoDateTime = z.iso.datetime({ offset: true });

const tag = z
  .string()
  .trim()
  .min(1, "a tag cannot be empty")
  .max(TAG_MAX, `a tag has at most ${TAG_MAX} characters`)
  .refine((s) => !CONTROL_CHARS.test(s), "a tag cannot contain control characters");

// Refinements are callbacks, not schemas: drizzle-zod then keeps each column's optional/nullable.
const taskFields = {
  title: () =>
    z
      .string()
      .trim()
      .min(1, "title is required")
      .max(TITLE_MAX, `title has at most ${TITLE_MAX} characters`)
      .refine((s) => !CONTROL_CHARS.test(s), "title cannot contain control characters"),
  description: () =>
    z
      .string()
      .max(DESCRIPTION_MAX, `description has at most ${DESCRIPTION_MAX} characters`)
      .refine(
        (s) => !CONTROL_CHARS_EXCEPT_LINE_BREAKS.test(s),
        "description cannot contain control characters other than tab and line breaks",
      ),
  due_at: () => isoDateTime,
  tags: () =>
    z
      .array(tag)
      .max(TAGS_MAX, `at most ${TAGS_MAX} tags`)
      .transform((list) => [...new Set(list)]),
  position: () => z.number().finite(),
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
  completed_at: () => isoDateTime,
  due_at: () => isoDateTime,
  created_at: () => isoDateTime,
  updated_at: () => isoDateTime,
});

/** A new task from a client: title required, everything else optional, unknown keys refused. */
export const insertTaskSchema = createInsertSchema(tasks, taskFields).omit(serverOwned).strict();

/** A partial change from a client: any editable field, at least one, unknown keys refused. */
export const patchTaskSchema = insertTaskSchema
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, "send at least one field to change");

export type NewTask = z.infer<typeof insertTaskSchema>;
export type TaskPatch = z.infer<typeof patchTaskSchema>;

const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("must be an email address").max(254, "an email has at most 254 characters"));

export const selectUserSchema = createSelectSchema(users);
export const insertUserSchema = createInsertSchema(users, {
  email: () => email,
  name: () => z.string().trim().min(1).max(100),
})
  .omit({ id: true, email_verified: true, created_at: true, updated_at: true })
  .strict();
export type NewUser = z.infer<typeof insertUserSchema>;
