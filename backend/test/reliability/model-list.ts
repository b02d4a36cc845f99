// The model-based test's list command (model.test.ts): a random list query, every page of it
// followed by its cursor, checked against the model's tasks filtered and sorted.
import fc from "fast-check";
import { expect } from "vitest";
import type { Task } from "../../src/db/schema.ts";
import {
  ALL_SORTS,
  callerArb,
  PRIORITIES,
  SEARCHES,
  TAG_FILTERS,
  TIME_ZONES,
} from "./model-inputs.ts";
import { Command, call, expectStatus, refused, show } from "./model-run.ts";
import { micros, ownTasks } from "./model-world.ts";

// Up to two filters at a time (more would leave nothing to list), and mostly small pages, so that
// lists often take several pages.
const listQueryArb = fc
  .record({
    filters: fc.oneof(
      fc.constant([]),
      fc.subarray(["status", "q", "tag", "priority", "due"] as const, { maxLength: 2 }),
    ),
    status: fc.constantFrom("all", "pending", "completed"),
    q: fc.constantFrom(...SEARCHES),
    tag: fc.constantFrom(...TAG_FILTERS),
    priority: fc.constantFrom(...PRIORITIES),
    due: fc.constantFrom("overdue", "today", "upcoming", "none"),
    tz: fc.option(fc.constantFrom(...TIME_ZONES), { nil: undefined }),
    sort: fc.option(fc.constantFrom(...ALL_SORTS), { nil: undefined }),
    limit: fc.option(
      fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 2 }), weight: 4 },
        { arbitrary: fc.integer({ min: 1, max: 100 }), weight: 1 },
      ),
      { nil: undefined, freq: 6 },
    ),
  })
  .map(({ filters, status, q, tag, priority, due, ...rest }) => {
    const chosen = { status, q, tag, priority, due };
    const query: Partial<typeof chosen> & Omit<typeof rest, never> = { ...rest };
    for (const filter of filters) Object.assign(query, { [filter]: chosen[filter] });
    return query;
  });
type ListQuery = typeof listQueryArb extends fc.Arbitrary<infer T> ? T : never;

/** Whether a task passes the list filters. The due dates are years away, so "today" is never. */
function passes(task: Task, query: ListQuery, now: number): boolean {
  const due = task.due_at === null ? null : Date.parse(task.due_at);
  // Every word of q, each anywhere in the title, description or a tag (never across two).
  const words = query.q?.trim().toLowerCase().split(/\s+/).filter(Boolean) ?? [];
  const fields = [task.title, task.description, ...task.tags].map((field) => field.toLowerCase());
  const tag = query.tag?.trim();
  return (
    (query.status !== "pending" || !task.is_completed) &&
    (query.status !== "completed" || task.is_completed) &&
    words.every((word) => fields.some((field) => field.includes(word))) &&
    (!tag || task.tags.includes(tag)) &&
    (!query.priority || task.priority === query.priority) &&
    (query.due !== "overdue" || (due !== null && due < now && !task.is_completed)) &&
    query.due !== "today" &&
    (query.due !== "upcoming" || (due !== null && due > now)) &&
    (query.due !== "none" || due === null)
  );
}

/** The order a sort promises: by its key, then by id, both reversed by a leading "-". */
function byListSort(sort: string) {
  const descending = sort.startsWith("-");
  const keyOf: Record<string, (task: Task) => number | string> = {
    created: (task) => micros(task.created_at),
    due: (task) => (task.due_at === null ? Number.POSITIVE_INFINITY : Date.parse(task.due_at)),
    priority: (task) => PRIORITIES.indexOf(task.priority),
    // Natural order: each run of digits padded to 20 digits (the index's expression).
    title: (task) =>
      task.title
        .toLowerCase()
        .replace(/[0-9]+/g, (digits) =>
          `${"0".repeat(20)}${digits}`.replace(/^0*(\d{20,})$/, "$1"),
        ),
    position: (task) => task.position,
  };
  const key = keyOf[sort.replace("-", "")];
  if (!key) throw new Error(`unknown sort ${sort}`);
  return (a: Task, b: Task) => {
    const [x, y] = [key(a), key(b)];
    const order = x < y ? -1 : x > y ? 1 : a.id - b.id;
    return descending ? -order : order;
  };
}

export const listCommand = fc.record({ caller: callerArb, query: listQueryArb }).map(
  ({ caller, query }) =>
    new Command(`list ${show(caller, query)}`, async (model) => {
      const expected = ownTasks(model, caller.user)
        .filter((task) => passes(task, query, Date.now()))
        .sort(byListSort(query.sort ?? "created"));
      const limit = query.limit ?? 50;
      const params = new URLSearchParams(
        Object.entries(query)
          .filter(([, value]) => value !== undefined)
          .map(([name, value]): [string, string] => [name, String(value)]),
      );
      // Every page, following next_cursor: together they are the whole filtered list, in order.
      let cursor: string | null = null;
      let offset = 0;
      do {
        const page = new URLSearchParams(params);
        if (cursor) page.set("cursor", cursor);
        const reply = await call(caller, "GET", `?${page}`);
        if (refused(caller, reply)) return;
        expectStatus(reply, 200);
        const body = reply.body as { items: Task[]; next_cursor: string | null };
        expect(body.items, reply.what).toEqual(expected.slice(offset, offset + limit));
        offset += limit;
        expect(body.next_cursor !== null, `${reply.what}: more pages follow`).toBe(
          offset < expected.length,
        );
        cursor = body.next_cursor;
      } while (cursor);
    }),
);
