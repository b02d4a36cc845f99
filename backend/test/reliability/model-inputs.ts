// The model-based test's inputs (model.test.ts): the titles, tags, searches, due dates and fields
// its commands send, whose tasks a caller names, which task a command aims at, and If-Match.
import fc from "fast-check";
import type { Task } from "../../src/db/schema.ts";

export const PRIORITIES = ["none", "low", "medium", "high"] as const;

/** A due date as the API gives it back: UTC, as Postgres prints it (no trailing zeros in the fraction). */
export const storedDue = (due: string | null) =>
  due === null ? null : new Date(due).toISOString().replace(/\.?0+Z$/, "Z");
/** Tags as stored: trimmed, the first of each duplicate kept. */
export const storedTags = (tags: string[]) => [...new Set(tags.map((tag) => tag.trim()))];

/** What the server stores for these client fields (trimmed, normalized). */
export function stored(fields: Partial<NewFields>): Partial<Task> {
  const result: Partial<Task> = { ...fields } as Partial<Task>;
  if (fields.title !== undefined) result.title = fields.title.trim();
  if (fields.tags !== undefined) result.tags = storedTags(fields.tags);
  if (fields.due_at !== undefined) result.due_at = storedDue(fields.due_at);
  return result;
}

// ---- Commands' inputs ----

// Titles are ASCII: the natural sort key then sorts alike under any collation. Numbers test the
// natural order ("#19" before "#103").
export const TITLES = [
  "milk",
  "Milk",
  "bread",
  "eggs",
  "tea",
  "TEA",
  "apple",
  "zebra",
  " milk ",
  "tea  ",
  "#19",
  "#103",
  "task 9",
  "Task 10",
  "#007",
];
export const DESCRIPTIONS = [
  "",
  "buy milk",
  "50% off",
  "snake_case",
  "back\\slash",
  "Bread and TEA",
];
export const TAGS = ["home", "work", "Work", " urgent ", "a%b", "x_y"];
export const SEARCHES = [
  "milk",
  "MILK",
  "%",
  "_",
  "\\",
  "ea",
  "bread and",
  " tea ",
  "nowhere",
  "tea milk",
  "work",
  "a%b milk",
  "1",
  "#1",
];
export const TAG_FILTERS = ["home", "work", "Work", "urgent", " home ", "a%b", "nope"];
const SORTS = ["created", "-created", "due", "-due", "priority", "-priority", "title", "-title"];
export const ALL_SORTS = [...SORTS, "position"] as const;
export const TIME_ZONES = ["UTC", "Europe/Paris", "Asia/Kolkata", "Pacific/Kiritimati"];

// Due dates are years away from now, so the overdue / today / upcoming filters are certain.
export const YEAR_S = 365 * 86_400;
export const PAST_S = Date.UTC(2000, 0, 1) / 1000;
export const FUTURE_S = Date.UTC(2090, 0, 1) / 1000;
export const dueArb = fc
  .record({
    future: fc.boolean(),
    seconds: fc.integer({ min: 0, max: 10 * YEAR_S }),
    millis: fc.constantFrom(0, 0, 100, 120, 123, 999),
    form: fc.constantFrom("utc", "offset"),
  })
  .map(({ future, seconds, millis, form }) => {
    const instant = ((future ? FUTURE_S : PAST_S) + seconds) * 1000 + millis;
    if (form === "utc") return new Date(instant).toISOString().replace(".000Z", "Z");
    // The same instant written in +05:30.
    const local = new Date(instant + 5.5 * 3_600_000).toISOString();
    return `${local.slice(0, 23)}+05:30`;
  });

/** Each field a client sends, as the commands draw it. */
const fieldArbs = {
  title: fc.constantFrom(...TITLES),
  description: fc.constantFrom(...DESCRIPTIONS),
  is_completed: fc.boolean(),
  priority: fc.constantFrom(...PRIORITIES),
  due_at: fc.option(dueArb, { nil: null }),
  tags: fc.array(fc.constantFrom(...TAGS), { maxLength: 4 }),
  position: fc.integer({ min: -4, max: 20 }).map((n) => n / 2),
};
export const newFieldsArb = fc.record(fieldArbs, { requiredKeys: ["title"] });
export type NewFields = {
  title: string;
  description?: string;
  is_completed?: boolean;
  priority?: Task["priority"];
  due_at?: string | null;
  tags?: string[];
  position?: number;
};
export const changesArb = fc
  .record(fieldArbs, { requiredKeys: [] })
  .filter((changes) => Object.keys(changes).length > 0);

/** Whose tasks the path names: the caller ("me" or their id), another user, or nobody. */
export type PathKind = "me" | "own" | "other" | "stranger";
export interface Caller {
  user: number;
  path: PathKind;
}
export const callerArb: fc.Arbitrary<Caller> = fc.record({
  // Uneven, so that one user gets lists long enough to take several pages.
  user: fc.oneof(
    { arbitrary: fc.constant(0), weight: 3 },
    { arbitrary: fc.constant(1), weight: 2 },
    { arbitrary: fc.constant(2), weight: 1 },
  ),
  path: fc.oneof(
    { arbitrary: fc.constant<PathKind>("me"), weight: 12 },
    { arbitrary: fc.constant<PathKind>("own"), weight: 5 },
    { arbitrary: fc.constant<PathKind>("other"), weight: 1 },
    { arbitrary: fc.constant<PathKind>("stranger"), weight: 1 },
  ),
});
export const isForeign = (caller: Caller) => caller.path === "other" || caller.path === "stranger";

/**
 * Which task a command aims at, resolved when it runs (so a shrunk sequence still aims well): one
 * of the caller's tasks, another user's, a deleted one, or one that never existed.
 */
export interface Target {
  kind: "own" | "other" | "deleted" | "never";
  pick: number;
}
export const targetArb: fc.Arbitrary<Target> = fc.record({
  kind: fc.oneof(
    { arbitrary: fc.constant<Target["kind"]>("own"), weight: 8 },
    { arbitrary: fc.constant<Target["kind"]>("other"), weight: 2 },
    { arbitrary: fc.constant<Target["kind"]>("deleted"), weight: 1 },
    { arbitrary: fc.constant<Target["kind"]>("never"), weight: 1 },
  ),
  pick: fc.nat(1_000),
});

export type IfMatch = "none" | "current" | "weak" | "star" | "stale";
export const ifMatchArb = fc.oneof(
  { arbitrary: fc.constant<IfMatch>("none"), weight: 4 },
  { arbitrary: fc.constant<IfMatch>("current"), weight: 2 },
  { arbitrary: fc.constant<IfMatch>("weak"), weight: 1 },
  { arbitrary: fc.constant<IfMatch>("star"), weight: 1 },
  { arbitrary: fc.constant<IfMatch>("stale"), weight: 2 },
);
