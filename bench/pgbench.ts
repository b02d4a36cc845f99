// The database's own limit: pgbench running the SQL our API sends for list, create and toggle
// (statement for statement, as bench/baseline-raw/check.ts confirms), with no HTTP, no JSON and
// no auth. Users are picked at random through a numbered copy of their ids (pgbench variables are
// integers), which adds one primary-key lookup per statement.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";

const COLUMNS =
  '"id", "user_id", "title", "description", "is_completed", "completed_at", "priority", ' +
  '"due_at", "tags", "position", "version", "created_at", "updated_at"';
const USER = `(select id from bench_users where n = :u)`;

const SCRIPTS = {
  list: `\\set u random(1, :users)
select ${COLUMNS}, ("created_at")::text from "tasks" where "tasks"."user_id" = ${USER} order by "tasks"."created_at" asc, "tasks"."id" asc limit 51;
`,
  create: `\\set u random(1, :users)
insert into "tasks" (${COLUMNS}) values (default, ${USER}, 'Benchmark task', default, default, null, 'medium', default, '{bench}', (select coalesce(max("tasks"."position"), 0) + 1 from "tasks" where "tasks"."user_id" = ${USER}), default, default, default) returning ${COLUMNS};
`,
  toggle: `\\set t random(1, :toggles)
update "tasks" set "is_completed" = not "tasks"."is_completed", "completed_at" = case when not "tasks"."is_completed" then coalesce("tasks"."completed_at", now()) else null end, "version" = "tasks"."version" + 1, "updated_at" = now() where ("tasks"."id" = (select id from bench_toggles where n = :t) and "tasks"."user_id" = (select user_id from bench_toggles where n = :t)) returning ${COLUMNS};
`,
};
export type PgbenchScenario = keyof typeof SCRIPTS | "mix";

/** Numbered users and tasks for the scripts to pick from. */
export async function preparePgbench(db: pg.Client): Promise<{ users: number; toggles: number }> {
  await db.query(`create table bench_users as
    select row_number() over (order by id)::int as n, id from users where email ~ '^bench-[0-9]+@'`);
  await db.query("alter table bench_users add primary key (n)");
  // A 1% sample of pages is quick on a million rows, but may be empty on the smoke pass's few.
  const { rows } = await db.query<{ big: boolean }>("select count(*) > 100000 as big from tasks");
  const sample = rows[0]?.big ? "tablesample system (1)" : "";
  await db.query(`create table bench_toggles as
    select row_number() over ()::int as n, id, user_id from (
      select id, user_id from tasks ${sample} limit 2000) t`);
  await db.query("alter table bench_toggles add primary key (n)");
  await db.query("analyze bench_users, bench_toggles");
  const users = (await db.query<{ c: number }>("select count(*)::int c from bench_users")).rows[0]
    ?.c;
  const toggles = (await db.query<{ c: number }>("select count(*)::int c from bench_toggles"))
    .rows[0]?.c;
  return { users: users ?? 0, toggles: toggles ?? 0 };
}

export interface PgbenchResult {
  tps: number;
  latencyMs: number;
  failed: number;
}

export function pgbench(
  url: string,
  scenario: PgbenchScenario,
  vars: { users: number; toggles: number },
  seconds: number,
  connections: number,
  /** Run pgbench on this CPU core only (taskset). */
  core?: number,
): PgbenchResult {
  const files = (scenario === "mix" ? (["list", "create", "toggle"] as const) : [scenario]).map(
    (name) => {
      const file = join(tmpdir(), `todo-pgbench-${process.pid}-${name}.sql`);
      writeFileSync(file, SCRIPTS[name]);
      const weight = scenario === "mix" ? (name === "list" ? 80 : 10) : 1;
      return `${file}@${weight}`;
    },
  );
  const [command, prefix] =
    core === undefined ? ["pgbench", []] : ["taskset", ["-c", String(core), "pgbench"]];
  const text = execFileSync(
    command,
    [
      ...prefix,
      "-n",
      "-M",
      "prepared",
      `-c${connections}`,
      "-j1",
      `-T${seconds}`,
      "-D",
      `users=${vars.users}`,
      "-D",
      `toggles=${vars.toggles}`,
      ...files.flatMap((f) => ["-f", f]),
      url,
    ],
    { encoding: "utf8" },
  );
  return {
    tps: Number(/tps = ([\d.]+)/.exec(text)?.[1]),
    latencyMs: Number(/latency average = ([\d.]+) ms/.exec(text)?.[1]),
    failed: Number(/number of failed transactions: (\d+)/.exec(text)?.[1] ?? 0),
  };
}
