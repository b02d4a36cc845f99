// The tasks part of the API's contract: every enumeration, limit and default a task has, and the
// Zod schemas that check a task's fields and the list's parameters. The backend builds its table
// and its routes from these; the web app validates its forms and reads its URL with them.
// Plain Zod (no Drizzle, no Hono): it is bundled into the browser. Descriptions go in `.meta()`,
// which the OpenAPI document reads.

import { INSTANT_RANGE, instantToUtc } from "./instants.ts";
import { CONTROL_CHARS, CONTROL_CHARS_EXCEPT_LINE_BREAKS, hasNoNul } from "./text.ts";
import { z } from "./zod.ts";

// ---- Enumerations ----

/** In order of importance: `sort=priority` sorts in this order. */
export const PRIORITIES = ["none", "low", "medium", "high"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const STATUSES = ["all", "pending", "completed"] as const;
export type Status = (typeof STATUSES)[number];

export const DUE_FILTERS = ["overdue", "today", "upcoming", "none"] as const;
export type DueFilter = (typeof DUE_FILTERS)[number];

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

export const BULK_ACTIONS = ["complete", "uncomplete", "delete"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

// ---- Limits ----

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 5000;
export const TAGS_MAX = 20;
export const TAG_MAX = 32;
/** The longest search text (`q=`). */
export const SEARCH_MAX = 200;
/** Ids in one bulk request. */
export const BULK_MAX = 500;
/** Tasks in a page: the default, and the most a client may ask for. */
export const PAGE_SIZE = 50;
export const PAGE_SIZE_MAX = 100;
export const CURSOR_MAX = 2000;
export const IDEMPOTENCY_KEY_MAX = 200;
/** The largest task id (a Postgres integer). */
export const TASK_ID_MAX = 2_147_483_647;

// ---- Defaults ----

/** What a task's editable fields are when a client leaves them out (position excepted). */
export const TASK_DEFAULTS = {
  description: "",
  is_completed: false,
  priority: "none",
  due_at: null,
  tags: [],
} as const satisfies {
  description: string;
  is_completed: boolean;
  priority: Priority;
  due_at: string | null;
  tags: readonly string[];
};

// ---- A task's fields, as a client sends them ----

const tag = z
  .string()
  .trim()
  .min(1, "a tag cannot be empty")
  .max(TAG_MAX, `a tag has at most ${TAG_MAX} characters`)
  .refine((s) => !CONTROL_CHARS.test(s), "a tag cannot contain control characters");

/** An instant from a client, as UTC (see instantToUtc); refused out of range. */
const instant = z.iso.datetime({ offset: true }).transform((value, ctx) => {
  const utc = instantToUtc(value);
  if (utc === undefined) {
    ctx.issues.push({ code: "custom", message: INSTANT_RANGE, input: value });
    return z.NEVER;
  }
  return utc;
});

/**
 * The editable fields' checks. The backend derives its request schemas from the table with these
 * (drizzle-zod keeps each column's optional and nullable); the web app checks its forms with them.
 */
export const taskFields = {
  title: z
    .string()
    .trim()
    .min(1, "title is required")
    .max(TITLE_MAX, `title has at most ${TITLE_MAX} characters`)
    .refine((s) => !CONTROL_CHARS.test(s), "title cannot contain control characters"),
  description: z
    .string()
    .max(DESCRIPTION_MAX, `description has at most ${DESCRIPTION_MAX} characters`)
    .refine(
      (s) => !CONTROL_CHARS_EXCEPT_LINE_BREAKS.test(s),
      "description cannot contain control characters other than tab and line breaks",
    ),
  due_at: instant,
  tags: z
    .array(tag)
    .max(TAGS_MAX, `at most ${TAGS_MAX} tags`)
    .transform((list) => [...new Set(list)]),
  position: z.number().finite(),
};

// ---- The list's parameters ----

/** What a list shows: every parameter of `GET /api/{user_id}/tasks` but the page's. */
export const taskFilterSchema = z.object({
  status: z.enum(STATUSES).default("all"),
  q: z
    .string()
    .trim()
    .min(1)
    .max(SEARCH_MAX)
    .refine(hasNoNul, "cannot contain NUL characters")
    .optional()
    .meta({
      description:
        "Words to find: a task matches when every word (split at spaces) occurs, in any case, in its title, description or one of its tags. `%`, `_` and `\\` are plain characters. A user runs at most 2 searches at once and the server 4 in all; past either, a search waits up to 2 s for its turn, then gets 429 (the user's bound) or 503 (the server's), with `Retry-After`.",
      example: "passport march",
    }),
  tag: z
    .string()
    .trim()
    .min(1)
    .max(TAG_MAX)
    .refine(hasNoNul, "cannot contain NUL characters")
    .optional()
    .meta({ description: "Only tasks with this tag (exactly, case included)." }),
  priority: z.enum(PRIORITIES).optional(),
  due: z.enum(DUE_FILTERS).optional().meta({
    description:
      "overdue: pending and past due; today / upcoming: due today / after today in `tz`; none: no due date.",
  }),
  tz: z
    .string()
    .refine(isTimeZone, "must be an IANA time zone, such as Europe/Paris")
    .default("UTC")
    .meta({ description: 'The time zone that decides "today".', example: "Europe/Paris" }),
});
export type TaskFilter = z.infer<typeof taskFilterSchema>;

export const taskListQuerySchema = taskFilterSchema.extend({
  sort: z.enum(SORTS).default("created").meta({
    description:
      'A leading - reverses the order; ties go by id. `title` is case-insensitive and natural: numbers compare as numbers ("#19" before "#103").',
  }),
  limit: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX).default(PAGE_SIZE),
  cursor: z
    .string()
    .max(CURSOR_MAX)
    .optional()
    .meta({ description: "`next_cursor` of the previous page." }),
});
export type TaskListQuery = z.infer<typeof taskListQuerySchema>;

function isTimeZone(tz: string) {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// ---- Many tasks at once ----

const taskId = z.number().int().min(1).max(TASK_ID_MAX);

const bulkAction = z.enum(BULK_ACTIONS);

/**
 * One action on many tasks, all or nothing: the tasks named by `ids`, or every task the list with
 * `filter` would show (one statement, however many they are).
 */
export const bulkRequestSchema = z.union([
  z.strictObject({
    action: bulkAction,
    ids: z
      .array(taskId)
      .min(1)
      .max(BULK_MAX)
      .meta({ description: "The tasks to change: all of them must be yours." }),
  }),
  z.strictObject({
    action: bulkAction,
    filter: taskFilterSchema.strict().meta({
      description:
        'Every task a list with these parameters shows, all of its pages (`{"status": "completed"}` is every completed task).',
    }),
  }),
]);
export type BulkRequest = z.infer<typeof bulkRequestSchema>;

export const bulkResultSchema = z.object({
  action: bulkAction,
  ids: z.array(z.number().int()).meta({ description: "The tasks changed, in id order." }),
});
