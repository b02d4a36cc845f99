// The plans of list queries on a long list, as Postgres runs them (EXPLAIN): each kind of search
// and filter must get the plan that stays fast on any number of tasks (decision 014). Their speed
// is measured in bench/tasks-search.ts, not here. A file of its own: PGlite runs in this process,
// and filling it blocks the event loop longer than an HTTP server's idle connections survive.

import type { Sort, TaskFilter } from "@todo/contract/tasks";
import { fillPlaceholders, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKind, openTestDatabase, uniqueEmail } from "../../test/helpers.ts";
import type { Database } from "../db/client.ts";
import { users } from "../db/schema.ts";
import {
  listStatement,
  listStatementKey,
  listTasks,
  type SearchPlan,
  WALK_ROWS,
} from "./tasks.list.ts";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

/** A value as an SQL literal (test data only: uuids, patterns, numbers, booleans). */
const literal = (value: unknown) =>
  typeof value === "string" ? `'${value.replaceAll("'", "''")}'` : String(value);
let probes = 0;

/**
 * The plan of the list query `listTasks` sends for these options, as Postgres runs it: a prepared
 * statement is planned once for any values (the generic plan it settles on after five runs), an
 * unnamed one with its values every time.
 */
async function listPlan(
  userId: string,
  filters: Partial<TaskFilter>,
  sort: Sort = "created",
  searchPlan?: SearchPlan,
) {
  const filled = { status: "all" as const, tz: "UTC", ...filters };
  const options = { filters: filled, sort, limit: 50, searchPlan };
  const { query, values } = listStatement(database.db, userId, options);
  const statement = query().toSQL();
  const params = fillPlaceholders(statement.params, values);
  const generic = listStatementKey(options) !== undefined;
  const name = `plan_probe_${++probes}`;
  return database.db.transaction(async (tx) => {
    const mode = generic ? "force_generic_plan" : "force_custom_plan";
    await tx.execute(sql.raw(`set local plan_cache_mode = ${mode}`));
    // The test's table is small enough to read whole; a server's holds every user's tasks.
    await tx.execute(sql.raw("set local enable_seqscan = off"));
    await tx.execute(sql.raw(`prepare ${name} as ${statement.sql}`));
    const plan = await tx.execute(
      sql.raw(`explain execute ${name}(${params.map(literal).join(", ")})`),
    );
    await tx.execute(sql.raw(`deallocate ${name}`));
    return plan.rows.map((row) => Object.values(row)[0]).join("\n");
  });
}

describe(`search plans on a long list (${databaseKind})`, () => {
  let userId: string;
  beforeAll(async () => {
    const [user] = await database.db
      .insert(users)
      .values({ name: "many", email: uniqueEmail("plans") })
      .returning({ id: users.id });
    userId = user?.id as string;
    await database.db.execute(sql`
      insert into tasks (user_id, title, description, tags, created_at)
      select ${userId}::uuid, 'Task ' || i, case when i % 3 = 0 then 'notes about item ' || i else '' end,
             case when i = 10000 then array['rare'] else array['home', 'errands'] end,
             now() - i * interval '1 minute'
        from generate_series(1, 20000) as i`);
    await database.db.execute(sql`analyze tasks`);
  });

  it(`a search's first step reads at most ${WALK_ROWS} tasks, walking the sort index`, async () => {
    for (const q of ["passport", "zq", "task"]) {
      const plan = await listPlan(userId, { q }, "created", "walk");
      expect(plan, q).toMatch(
        /CTE walk\n\s+->\s+Limit .*\n\s+->\s+Index Scan using tasks_user_created_idx/,
      );
    }
  });

  it("its second step finds every match of a rare word in the trigram index", async () => {
    for (const q of ["passport", "passport zq", "renew passport"]) {
      const plan = await listPlan(userId, { q }, "created", "matches");
      expect(plan, q).toContain("tasks_user_search_idx");
      expect(plan, q).not.toContain("tasks_user_created_idx");
    }
  });

  it("finds what lies past the walk, and pages through either step with cursors", async () => {
    const list = (q: string, after?: { key: string; id: number }) =>
      listTasks(database.db, userId, {
        filters: { status: "all", tz: "UTC", q },
        sort: "created",
        limit: 3,
        after,
      });
    // Tasks are created newest first by i: "item 19998" is near the end of the oldest-first order.
    const far = await list("item 19998");
    expect(far.items.map((task) => task.description)).toEqual(["notes about item 19998"]);
    expect((await list("rare")).items.map((task) => task.tags)).toEqual([["rare"]]);
    for (const q of ["notes", "item 1999"]) {
      const seen: number[] = [];
      let page = await list(q);
      for (let n = 0; n < 4 && page.next; n++) {
        seen.push(...page.items.map((task) => task.id));
        page = await list(q, page.next);
      }
      seen.push(...page.items.map((task) => task.id));
      expect(new Set(seen).size, q).toBe(seen.length);
      expect(seen.length, q).toBe(q === "notes" ? 15 : 3);
    }
  });

  it("a rare tag is looked up in the tags index", async () => {
    const plan = await listPlan(userId, { tag: "rare" });
    expect(plan).toContain("tasks_user_tags_idx");
    expect(plan).not.toContain("tasks_user_created_idx");
  });

  it("sort=title walks the natural-order index", async () => {
    expect(await listPlan(userId, {}, "title")).toContain("tasks_user_title_natural_idx");
  });
});

describe(`a search sorted by priority or position (${databaseKind})`, () => {
  /** A user with `filler` tasks that do not match, and three "quokka" tasks that do. */
  async function userWith(filler: number) {
    const [user] = await database.db
      .insert(users)
      .values({ name: "sorted", email: uniqueEmail("sorted") })
      .returning({ id: users.id });
    const userId = user?.id as string;
    if (filler > 0) {
      await database.db.execute(sql`
        insert into tasks (user_id, title, priority, position)
        select ${userId}::uuid, 'Filler ' || i, 'medium', 1000 + i from generate_series(1, ${filler}) as i`);
    }
    await database.db.execute(sql`
      insert into tasks (user_id, title, priority, position) values
        (${userId}::uuid, 'quokka one', 'none', 10),
        (${userId}::uuid, 'quokka two', 'low', 9),
        (${userId}::uuid, 'quokka three', 'high', 100)`);
    return userId;
  }

  // Found by the model test: the search queries ordered by the text form of the sort key, so
  // "low" came before "none" and position 10 before 9.
  it("orders by the value, not its text, in both steps of a search", async () => {
    const expected: Record<string, string[]> = {
      priority: ["one", "two", "three"],
      "-priority": ["three", "two", "one"],
      position: ["two", "one", "three"],
      "-position": ["three", "one", "two"],
    };
    // Three tasks: the walk finds them all. Past WALK_ROWS: the second step finds them by index.
    for (const filler of [0, WALK_ROWS + 100]) {
      const userId = await userWith(filler);
      for (const [sort, titles] of Object.entries(expected)) {
        const page = await listTasks(database.db, userId, {
          filters: { status: "all", tz: "UTC", q: "quokka" },
          sort: sort as Sort,
          limit: 50,
        });
        expect(
          page.items.map((task) => task.title.replace("quokka ", "")),
          `${sort}, ${filler} other tasks`,
        ).toEqual(titles);
      }
    }
  });
});
