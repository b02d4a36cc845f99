// The benchmark's data, made with SQL on the server (not request by request): USERS accounts with
// TASKS_PER_USER tasks each, plus one account with BIG_USER_TASKS. Every account has the same
// password: the first is signed up through the API, and its scrypt hash is copied to the others,
// so any of them can sign in and get a JWT like a real user.

export interface DataShape {
  users: number;
  tasksPerUser: number;
  bigUserTasks: number;
}
export const FULL: DataShape = { users: 1000, tasksPerUser: 1000, bigUserTasks: 100_000 };
export const SMOKE: DataShape = { users: 20, tasksPerUser: 100, bigUserTasks: 2_000 };

export const emailOf = (n: number) => `bench-${n}@example.com`;
export const BIG_USER_EMAIL = "bench-big@example.com";
export const SMALL_USER_EMAIL = "bench-small@example.com";
export const PASSWORD = "correct horse battery staple";

// Realistic titles: a verb and an object, with a few notes, tags, priorities and due dates spread
// the way a person's list is (a third done, a fifth with a due date, some overdue).
const VERBS = [
  "Buy",
  "Call",
  "Write",
  "Review",
  "Plan",
  "Fix",
  "Book",
  "Email",
  "Clean",
  "Prepare",
];
const OBJECTS = [
  "milk and bread",
  "the quarterly report",
  "the plumber",
  "flights to Lisbon",
  "the invoice for March",
  "slides for Monday",
  "the dentist",
  "the garage door",
  "next year's budget",
  "a birthday gift for Sam",
  "the team offsite",
  "the tax return",
];
const TAG_SETS = ["{}", "{home}", "{work}", "{work,urgent}", "{errands}", "{home,weekend}"];
const sqlArray = (values: string[]) =>
  `array[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(",")}]`;

/** Inserts `count` tasks for each user matched by `usersWhere` (SQL over `users u`). */
function insertTasks(count: number, usersWhere: string) {
  return `
    insert into tasks (user_id, title, description, is_completed, completed_at, priority, due_at,
                       tags, position, created_at, updated_at)
    select u.id,
           (${sqlArray(VERBS)})[1 + (g * 7) % ${VERBS.length}] || ' ' ||
             (${sqlArray(OBJECTS)})[1 + (g * 5) % ${OBJECTS.length}],
           case when g % 4 = 0 then 'Remember to check the details before the end of the week.' else '' end,
           g % 3 = 0,
           case when g % 3 = 0 then now() - (g % 30) * interval '1 day' end,
           (array['none','low','medium','high'])[1 + (g * 3) % 4]::task_priority,
           case when g % 5 = 0 then now() + ((g % 60) - 20) * interval '1 day' end,
           case g % ${TAG_SETS.length} ${TAG_SETS.map((t, i) => `when ${i} then '${t}'::text[]`).join(" ")} end,
           g,
           now() - (${count} - g) * interval '1 minute',
           now() - (${count} - g) * interval '1 minute'
      from users u cross join generate_series(1, ${count}) g
     where ${usersWhere}`;
}

/** Runs one SQL statement and returns its rows: node-postgres and PGlite both fit behind this. */
export type Run = (sql: string) => Promise<Record<string, unknown>[]>;

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * Adds the accounts and tasks. `bench-0@example.com` must exist already (signed up through the
 * API with PASSWORD); it gets tasks like the others.
 */
export async function seed(run: Run, shape: DataShape): Promise<void> {
  const rows = await run(
    `select a.password from account a join users u on u.id = a.user_id where u.email = ${literal(emailOf(0))}`,
  );
  const hash = rows[0]?.password;
  if (typeof hash !== "string") throw new Error(`${emailOf(0)} must be signed up first`);
  await run("begin");
  await run(
    `insert into users (name, email)
     select 'Bench ' || n, 'bench-' || n || '@example.com' from generate_series(1, ${shape.users - 1}) n
     union all select 'Big', ${literal(BIG_USER_EMAIL)} union all select 'Small', ${literal(SMALL_USER_EMAIL)}`,
  );
  await run(
    `insert into account (account_id, provider_id, user_id, password)
     select u.id::text, 'credential', u.id, ${literal(hash)} from users u
      where u.email like 'bench-%' and u.email <> ${literal(emailOf(0))}`,
  );
  await run(insertTasks(shape.tasksPerUser, `u.email ~ '^bench-[0-9]+@'`));
  await run(insertTasks(shape.bigUserTasks, `u.email = ${literal(BIG_USER_EMAIL)}`));
  // The 100-task user the 100,000-task user's latencies are compared with.
  await run(insertTasks(100, `u.email = ${literal(SMALL_USER_EMAIL)}`));
  await run("commit");
  await run("analyze");
}
