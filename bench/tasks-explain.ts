// EXPLAIN ANALYZE of the tasks list queries for one user with 100,000 tasks (and 50,000 other
// users' tasks around them), on a throw-away Postgres database. Writes bench/results/tasks-explain.md.
//
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:explain
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Sort, TaskFilter } from "@todo/contract/tasks";
import { fillPlaceholders, sql } from "drizzle-orm";
import pg from "pg";
import { openDatabase } from "../backend/src/db/client.ts";
import { migrate } from "../backend/src/db/migrate.ts";
import { users } from "../backend/src/db/schema.ts";
import { listStatement } from "../backend/src/tasks/tasks.list.ts";
import { withThrowawayDatabase } from "./throwaway-database.ts";

const serverUrl = process.env.BENCH_DATABASE_URL;
if (!serverUrl)
  throw new Error(
    "Set BENCH_DATABASE_URL to a Postgres server (a throw-away database is made there).",
  );
const resultsFile = fileURLToPath(new URL("./results/tasks-explain.md", import.meta.url));

const sections: string[] = [];
await withThrowawayDatabase(serverUrl, async (url) => {
  const database = await openDatabase({ url, dataDir: "unused" });
  try {
    await migrate(database.db);
    const [me, other] = await database.db
      .insert(users)
      .values([
        { name: "many", email: "many@example.test" },
        { name: "other", email: "other@example.test" },
      ])
      .returning({ id: users.id });
    if (!me || !other) throw new Error("no users");
    const seed = (userId: string, count: number) =>
      database.db.execute(sql`
      insert into tasks (user_id, title, description, priority, due_at, tags, position, is_completed, completed_at, created_at)
      select ${userId}::uuid,
             'Task ' || i || case when i % 100 = 0 then ' quarterly report' else '' end,
             case when i % 3 = 0 then 'notes about item ' || i else '' end,
             (array['none','low','medium','high'])[1 + i % 4]::task_priority,
             case when i % 5 = 0 then null else now() + ((i % 60) - 20) * interval '1 day' end,
             case when i % 10 = 0 then array['work'] else array['home','errands'] end,
             i,
             i % 3 = 0,
             case when i % 3 = 0 then now() end,
             now() - (i * interval '1 minute')
      from generate_series(1, ${count}) as i`);
    await seed(me.id, 100_000);
    await seed(other.id, 50_000);
    await database.db.execute(sql`analyze`);

    const base: TaskFilter = { status: "all", tz: "UTC" };
    const cases: [string, { filters?: Partial<TaskFilter>; sort?: Sort }][] = [
      ["default list: sort=created, 50 rows", {}],
      ["sort=-created", { sort: "-created" }],
      ["status=pending, sort=created", { filters: { status: "pending" } }],
      ["sort=due (no date last)", { sort: "due" }],
      ["sort=priority", { sort: "-priority" }],
      ["sort=title", { sort: "title" }],
      ["sort=position", { sort: "position" }],
      ["q=quarterly (search)", { filters: { q: "quarterly" } }],
      ["tag=work", { filters: { tag: "work" } }],
      ["due=overdue", { filters: { due: "overdue" }, sort: "due" }],
    ];
    for (const [label, options] of cases) {
      const { query, values } = listStatement(database.db, me.id, {
        filters: { ...base, ...options.filters },
        sort: options.sort ?? "created",
        limit: 50,
      });
      const statement = query().toSQL();
      const params = fillPlaceholders(statement.params, values);
      const pool = new pg.Client({ connectionString: url });
      await pool.connect();
      const plan = await pool.query<{ "QUERY PLAN": string }>(
        `explain (analyze, buffers) ${statement.sql}`,
        params,
      );
      await pool.end();
      const text = plan.rows.map((row) => row["QUERY PLAN"]).join("\n");
      const time = /Execution Time: ([\d.]+) ms/.exec(text)?.[1];
      sections.push(`## ${label}: ${time} ms\n\n\`\`\`\n${text}\n\`\`\``);
    }
  } finally {
    await database.close();
  }
});

const report = `# The list queries on 100,000 tasks

One user with 100,000 tasks and another with 50,000, on ${serverUrl.replace(/:[^:@/]*@/, ":***@")}
(Postgres, throw-away database), after ANALYZE. Each query is the one \`listTasks\` runs for a first
page of 50. Produced by \`npm run bench:explain\` on ${new Date().toISOString().slice(0, 10)}.

${sections.join("\n\n")}
`;
writeFileSync(resultsFile, report);
console.log(
  report
    .split("\n")
    .filter((line) => line.startsWith("## "))
    .join("\n"),
);
