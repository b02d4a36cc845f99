import { SORTS } from "@todo/contract/tasks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser } from "../../test/browser.ts";
import {
  databaseKind,
  openTestDatabase,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from "../../test/helpers.ts";
import type { Database } from "../db/client.ts";
import { selectTaskSchema, type Task, tasks } from "../db/schema.ts";

const TOTAL = 1000;
const PRIORITIES = ["none", "low", "medium", "high"] as const;

let database: Database;
let server: TestServer;
let userId: string;
let token: string;
let ids: number[];

beforeAll(async () => {
  database = await openTestDatabase();
  server = await startTestServer(database);
  const browser = new Browser(server.url);
  const signUp = await browser.signUp(uniqueEmail("pages"));
  userId = ((await signUp.json()) as { user: { id: string } }).user.id;
  token = ((await (await browser.get("/api/auth/token")).json()) as { token: string }).token;

  // 1,000 tasks with many ties in every sort key, so the id tie-breaker matters.
  const rows = Array.from({ length: TOTAL }, (_, i) => ({
    user_id: userId,
    title: `${i % 3 === 0 ? "Task" : "task"} ${String(i % 50).padStart(2, "0")}`,
    priority: PRIORITIES[i % 4],
    due_at: i % 5 === 0 ? null : new Date(Date.UTC(2026, 0, 1 + (i % 40))).toISOString(),
    position: i % 7,
    is_completed: i % 2 === 0,
    completed_at: i % 2 === 0 ? "2026-01-01T00:00:00Z" : null,
  }));
  const inserted = await database.db.insert(tasks).values(rows).returning({ id: tasks.id });
  ids = inserted.map((row) => row.id);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

const get = (path: string) =>
  fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });

/** Walks every page; `between` runs after each page (to insert tasks while walking). */
async function walk(query: string, between?: () => Promise<unknown>) {
  const seen: Task[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const response = await get(
      `/api/me/tasks?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: unknown[]; next_cursor: string | null };
    seen.push(...page.items.map((item) => selectTaskSchema.parse(item)));
    cursor = page.next_cursor;
    pages++;
    await between?.();
  } while (cursor && pages < 1000);
  return { seen, pages };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What order each sort promises, to check the pages against (ties by id, same direction). */
function expectedOrder(sort: (typeof SORTS)[number]) {
  const descending = sort.startsWith("-");
  const keyOf: Record<string, (t: Task) => string | number> = {
    created: (t) => t.created_at,
    due: (t) => t.due_at ?? "9999",
    priority: (t) => PRIORITIES.indexOf(t.priority),
    title: (t) => t.title.toLowerCase(),
    position: (t) => t.position,
  };
  const key = keyOf[descending ? sort.slice(1) : sort] as (t: Task) => string | number;
  return (a: Task, b: Task) => {
    const ka = key(a);
    const kb = key(b);
    const byKey =
      typeof ka === "number" && typeof kb === "number"
        ? ka - kb
        : compareText(String(ka), String(kb));
    return (descending ? -1 : 1) * (byKey || a.id - b.id);
  };
}

describe(`cursor pages over 1,000 tasks (${databaseKind})`, () => {
  it.each(SORTS)("sort=%s returns every task exactly once, in order", async (sort) => {
    const { seen, pages } = await walk(`sort=${sort}&limit=100`);
    expect(pages).toBe(10);
    expect(seen.map((t) => t.id).sort((a, b) => a - b)).toEqual(ids);
    expect(seen).toEqual([...seen].sort(expectedOrder(sort)));
  });

  it("returns every task exactly once with a filter (status=pending, sort=-due)", async () => {
    const { seen } = await walk("status=pending&sort=-due&limit=37");
    expect(seen).toHaveLength(TOTAL / 2);
    expect(new Set(seen.map((t) => t.id)).size).toBe(TOTAL / 2);
    expect(seen.every((t) => !t.is_completed)).toBe(true);
  });

  it.each(["created", "-created", "title", "position"] as const)(
    "sort=%s never repeats or skips a task while new tasks are inserted",
    async (sort) => {
      let added = 0;
      const { seen } = await walk(`sort=${sort}&limit=50`, async () => {
        added++;
        await get("/api/me/tasks/stats"); // some reads in between too
        await fetch(`${server.url}/api/me/tasks`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify({
            title: `added while walking ${sort} ${added}`,
            position: added % 7,
          }),
        });
      });
      const seenIds = seen.map((t) => t.id);
      expect(new Set(seenIds).size).toBe(seenIds.length); // no task twice
      const original = new Set(ids);
      expect(seenIds.filter((id) => original.has(id)).sort((a, b) => a - b)).toEqual(ids); // none skipped
    },
  );

  it("refuses a tampered cursor, and a cursor reused with another query, with 400", async () => {
    const first = (await (await get("/api/me/tasks?limit=10&sort=title")).json()) as {
      next_cursor: string;
    };
    const cursor = first.next_cursor;
    const [data = "", signature = ""] = cursor.split(".");
    const forged = Buffer.from(
      Buffer.from(data, "base64url")
        .toString()
        .replace(/"id":\d+/, '"id":1'),
    ).toString("base64url");
    for (const bad of [
      `${forged}.${signature}`,
      `${data}.${signature.slice(1)}x`,
      "garbage",
      `${data}`,
    ]) {
      const response = await get(
        `/api/me/tasks?limit=10&sort=title&cursor=${encodeURIComponent(bad)}`,
      );
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
    const otherQuery = await get(
      `/api/me/tasks?limit=10&sort=-title&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(otherQuery.status).toBe(400);
    const otherFilter = await get(
      `/api/me/tasks?limit=10&sort=title&status=pending&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(otherFilter.status).toBe(400);
    const good = await get(
      `/api/me/tasks?limit=10&sort=title&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(good.status).toBe(200);
  });
});
