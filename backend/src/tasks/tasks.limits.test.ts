// The tasks API's limits over real HTTP: searches in flight per user and in all, and the per-user
// rate limit.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKind, startTestServer, type TestServer, testConfig } from "../../test/helpers.ts";
import { SEARCH_WAIT_MS, SEARCHES_IN_FLIGHT, SEARCHES_PER_USER } from "./tasks.index.ts";
import { type ApiUser, expectProblem, TASKS, useTasksApi } from "./tasks.test-helpers.ts";

const { app, newUser } = useTasksApi();

describe(`searches in flight (${databaseKind})`, () => {
  it("a user's third search and a fifth in all wait their turn, then are 429 and 503, with Retry-After", async () => {
    expect([SEARCHES_PER_USER, SEARCHES_IN_FLIGHT, SEARCH_WAIT_MS]).toEqual([2, 4, 2000]);
    const [greedy, other, third] = await Promise.all([newUser(), newUser(), newUser()]);
    // Each signs in once first, so that the searches below wait on the database, and only there.
    for (const user of [greedy, other, third]) await user.list("q=warm");
    const search = (user: ApiUser, q: string) => user.call("GET", `${TASKS}?q=${q}`);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    // Holds the tasks table, so that every search waits until `release`.
    const holder = app.database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table tasks in access exclusive mode`);
      locked();
      await held;
    });
    await lockTaken;
    const waiting = [
      search(greedy, "one"),
      search(greedy, "two"),
      search(other, "one"),
      search(other, "two"),
    ];
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The user's own two slots stay busy past the wait: refused, after waiting for one.
    const waitedFrom = performance.now();
    const tooMany = await search(greedy, "three");
    expect(performance.now() - waitedFrom).toBeGreaterThanOrEqual(SEARCH_WAIT_MS - 50);
    await expectProblem(tooMany, 429);
    expect(tooMany.headers.get("retry-after")).toBe("1");
    // Every slot stays busy past the wait: refused, after waiting for it.
    const started = performance.now();
    const full = await search(third, "one");
    expect(performance.now() - started).toBeGreaterThanOrEqual(SEARCH_WAIT_MS - 50);
    await expectProblem(full, 503);
    expect(full.headers.get("retry-after")).toBe("1");
    // A slot freed while a search waits goes to it: a burst is served late, not refused.
    const queued = search(third, "two");
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await holder;
    expect((await queued).status).toBe(200);
    for (const response of await Promise.all(waiting)) expect(response.status).toBe(200);
    // The slots are given back.
    expect((await search(greedy, "again")).status).toBe(200);
    expect((await search(third, "again")).status).toBe(200);
  });
});

describe(`per-user rate limit (${databaseKind})`, () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer(app.database, testConfig({ API_RATE_LIMIT_MAX: 5 }));
  });
  afterAll(async () => {
    await limited?.close();
  });

  it("the 6th request in the window is 429 with Retry-After; another user is unaffected", async () => {
    const [greedy, other] = await Promise.all([newUser(limited.url), newUser(limited.url)]);
    for (let i = 0; i < 5; i++) expect((await greedy.call("GET", TASKS)).status).toBe(200);
    const refused = await greedy.call("GET", TASKS);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await expectProblem(refused, 429);
    // Every route counts against the same budget.
    await expectProblem(await greedy.call("POST", TASKS, { title: "t" }), 429);
    expect((await other.call("GET", TASKS)).status).toBe(200);
    expect((await other.call("GET", `${TASKS}/stats`)).status).toBe(200);
  });
});
