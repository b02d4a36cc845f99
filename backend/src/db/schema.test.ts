import type { Sort } from "@todo/contract/tasks";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createUser,
  databaseKind,
  openTestDatabase,
  rejectsWithSqlState,
  uniqueEmail,
} from "../../test/helpers.ts";
import { listTasks } from "../tasks/tasks.list.ts";
import { createTask } from "../tasks/tasks.service.ts";
import type { Database, Db } from "./client.ts";
import { insertTaskSchema, tasks, users } from "./schema.ts";

let database: Database;
let db: Db;

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db;
});
afterAll(() => database.close());

// SQLSTATE codes the database answers with.
const FOREIGN_KEY_VIOLATION = "23503";
const UNIQUE_VIOLATION = "23505";
const CHECK_VIOLATION = "23514";
const INVALID_ENUM_VALUE = "22P02";

/** Creates a task as the API does: the body parsed by its schema, then the service. */
const created = (userId: string, body: Record<string, unknown>) =>
  createTask(db, { userId }, insertTaskSchema.parse(body));
/** A user's tasks as the API lists them (the service's query), all of them, in `sort` order. */
const listed = async (userId: string, sort: Sort = "created") =>
  (await listTasks(db, userId, { filters: { status: "all", tz: "UTC" }, sort, limit: 100 })).items;

describe(`schema after migration (${databaseKind})`, () => {
  it("has the users and tasks tables with their columns and types", async () => {
    const { rows } = await db.execute<{
      table_name: string;
      column_name: string;
      type: string;
      nullable: string;
    }>(sql`
      select table_name, column_name, coalesce(udt_name, data_type) as type, is_nullable as nullable
      from information_schema.columns
      where table_schema = 'public' and table_name in ('users', 'tasks')
      order by table_name, ordinal_position`);
    const columns = Object.fromEntries(
      rows.map((r) => [
        `${r.table_name}.${r.column_name}`,
        `${r.type}${r.nullable === "YES" ? "?" : ""}`,
      ]),
    );
    expect(columns).toEqual({
      "users.id": "uuid",
      "users.name": "text",
      "users.email": "text",
      "users.email_verified": "bool",
      "users.image": "text?",
      "users.created_at": "timestamptz",
      "users.updated_at": "timestamptz",
      "tasks.id": "int4",
      "tasks.user_id": "uuid",
      "tasks.title": "text",
      "tasks.description": "text",
      "tasks.is_completed": "bool",
      "tasks.completed_at": "timestamptz?",
      "tasks.priority": "task_priority",
      "tasks.due_at": "timestamptz?",
      "tasks.tags": "_text",
      "tasks.position": "float8",
      "tasks.version": "int4",
      "tasks.created_at": "timestamptz",
      "tasks.updated_at": "timestamptz",
      // Generated from title, description and tags for search; not in schema.ts (decision 014).
      "tasks.search_text": "text",
    });
  });

  it("has the constraints in the database, not only in code", async () => {
    const { rows } = await db.execute<{ name: string; type: string; definition: string }>(sql`
      select conname as name, contype as type, pg_get_constraintdef(oid) as definition
      from pg_constraint
      where conrelid in ('public.users'::regclass, 'public.tasks'::regclass)
        and contype <> 'n' -- Postgres 17+ lists NOT NULL here too; the column test covers those
      order by conname`);
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual([
      "tasks_completed_at_matches",
      "tasks_description_length",
      "tasks_pkey",
      "tasks_tags_count",
      "tasks_title_length",
      "tasks_user_id_users_id_fk",
      "tasks_version_positive",
      "users_email_normalized",
      "users_email_unique",
      "users_pkey",
    ]);
    expect(byName.tasks_user_id_users_id_fk?.definition).toMatch(
      /FOREIGN KEY \(user_id\) REFERENCES users\(id\) ON DELETE CASCADE/,
    );
    expect(byName.tasks_title_length?.definition).toContain("200");
    expect(byName.tasks_description_length?.definition).toContain("5000");
    expect(byName.tasks_version_positive?.definition).toContain(">= 1");
    const { rows: labels } = await db.execute<{ label: string }>(sql`
      select enumlabel as label from pg_enum
      where enumtypid = 'task_priority'::regtype order by enumsortorder`);
    expect(labels.map((l) => l.label)).toEqual(["none", "low", "medium", "high"]);
  });

  it("has an index for each list order, the status filter, tags and search", async () => {
    const { rows } = await db.execute<{ name: string; definition: string }>(sql`
      select indexname as name, indexdef as definition from pg_indexes
      where schemaname = 'public' and tablename = 'tasks' order by indexname`);
    const definitions = Object.fromEntries(rows.map((r) => [r.name, r.definition]));
    const expected: Record<string, RegExp> = {
      tasks_pkey: /btree \(id\)/,
      tasks_user_created_idx: /btree \(user_id, created_at, id\)/,
      tasks_user_status_created_idx: /btree \(user_id, is_completed, created_at, id\)/,
      tasks_user_due_idx:
        /btree \(user_id, COALESCE\(due_at, 'infinity'::timestamp with time zone\), id\)/,
      tasks_user_priority_idx: /btree \(user_id, priority, id\)/,
      tasks_user_title_natural_idx:
        /btree \(user_id, regexp_replace\(regexp_replace\(lower\(title\), '\[0-9\]\+'::text, '0{20}\\&'::text, 'g'::text\), '0\*\(\[0-9\]\{20,\}\)'::text, '\\1'::text, 'g'::text\), id\)/,
      tasks_user_position_idx: /btree \(user_id, "?position"?, id\)/,
      tasks_user_tags_idx: /gin \(user_id, tags\)/,
      tasks_user_search_idx: /gin \(user_id, search_text gin_trgm_ops\)/,
    };
    expect(Object.keys(definitions).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, pattern] of Object.entries(expected)) {
      expect(definitions[name], name).toMatch(pattern);
    }
  });
});

describe(`tasks belong to users (${databaseKind})`, () => {
  it("refuses a task for a user that does not exist", async () => {
    const state = await rejectsWithSqlState(() =>
      db.insert(tasks).values({ user_id: crypto.randomUUID(), title: "orphan" }),
    );
    expect(state).toBe(FOREIGN_KEY_VIOLATION);
  });

  it("deletes a user's tasks with the user, and no one else's", async () => {
    const alice = await createUser(db);
    const bob = await createUser(db);
    await created(alice.id, { title: "a1" });
    await created(alice.id, { title: "a2" });
    await created(bob.id, { title: "b1" });
    await db.delete(users).where(eq(users.id, alice.id));
    expect(await listed(alice.id)).toEqual([]);
    expect((await listed(bob.id)).map((t) => t.title)).toEqual(["b1"]);
  });

  it("lists exactly one user's tasks, through the service the API runs", async () => {
    const alice = await createUser(db);
    const bob = await createUser(db);
    await created(alice.id, { title: "alice's first" });
    await created(bob.id, { title: "bob's" });
    await created(alice.id, { title: "alice's second" });
    expect((await listed(alice.id)).map((t) => [t.user_id, t.title])).toEqual([
      [alice.id, "alice's first"],
      [alice.id, "alice's second"],
    ]);
  });

  it("fills the defaults and reads timestamps back as ISO 8601 UTC strings", async () => {
    const user = await createUser(db);
    const [task] = await db
      .insert(tasks)
      .values({ user_id: user.id, title: "defaults" })
      .returning();
    expect(task).toMatchObject({
      description: "",
      is_completed: false,
      completed_at: null,
      priority: "none",
      due_at: null,
      tags: [],
      position: 0,
      version: 1,
    });
    expect(task?.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(task?.updated_at).toBe(task?.created_at);
  });

  it("stores a due date given with any offset and reads it back in UTC, to the microsecond", async () => {
    const user = await createUser(db);
    const [task] = await db
      .insert(tasks)
      .values({ user_id: user.id, title: "due", due_at: "2026-11-24T10:00:00.123456+05:30" })
      .returning();
    expect(task?.due_at).toBe("2026-11-24T04:30:00.123456Z");
  });
});

describe(`the database refuses bad rows even when code lets them through (${databaseKind})`, () => {
  it("refuses a duplicate email in any letter case", async () => {
    const email = uniqueEmail("dup");
    await createUser(db, { email });
    expect(await rejectsWithSqlState(() => createUser(db, { email }))).toBe(UNIQUE_VIOLATION);
    // Upper case is refused too: stored emails must already be trimmed and lower-case.
    expect(await rejectsWithSqlState(() => createUser(db, { email: email.toUpperCase() }))).toBe(
      CHECK_VIOLATION,
    );
    expect(await rejectsWithSqlState(() => createUser(db, { email: ` ${email}` }))).toBe(
      CHECK_VIOLATION,
    );
  });

  it.each([
    ["empty", ""],
    ["blank", " \t\n "],
    ["201 characters", "x".repeat(201)],
  ])("refuses a %s title", async (_, title) => {
    const user = await createUser(db);
    const state = await rejectsWithSqlState(() =>
      db.insert(tasks).values({ user_id: user.id, title }),
    );
    expect(state).toBe(CHECK_VIOLATION);
  });

  it("accepts a 200-character title, emoji and right-to-left text byte for byte", async () => {
    const user = await createUser(db);
    const titles = [
      "x".repeat(200),
      "🚀 ship it 👩🏽‍💻",
      "שלום עולם",
      `'; drop table tasks; --<b>"</b>`,
    ];
    const rows = await db
      .insert(tasks)
      .values(titles.map((title) => ({ user_id: user.id, title })))
      .returning();
    expect(rows.map((r) => r.title)).toEqual(titles);
  });

  it("refuses a description over 5,000 characters, more than 20 tags, version 0 and an unknown priority", async () => {
    const user = await createUser(db);
    const base = { user_id: user.id, title: "t" };
    expect(
      await rejectsWithSqlState(() =>
        db.insert(tasks).values({ ...base, description: "d".repeat(5001) }),
      ),
    ).toBe(CHECK_VIOLATION);
    expect(
      await rejectsWithSqlState(() =>
        db.insert(tasks).values({ ...base, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }),
      ),
    ).toBe(CHECK_VIOLATION);
    expect(await rejectsWithSqlState(() => db.insert(tasks).values({ ...base, version: 0 }))).toBe(
      CHECK_VIOLATION,
    );
    expect(
      await rejectsWithSqlState(() =>
        db.execute(
          sql`insert into tasks (user_id, title, priority) values (${user.id}, 't', 'urgent')`,
        ),
      ),
    ).toBe(INVALID_ENUM_VALUE);
  });

  it("refuses a completed task without completed_at, and completed_at on a pending task", async () => {
    const user = await createUser(db);
    const base = { user_id: user.id, title: "t" };
    expect(
      await rejectsWithSqlState(() => db.insert(tasks).values({ ...base, is_completed: true })),
    ).toBe(CHECK_VIOLATION);
    expect(
      await rejectsWithSqlState(() =>
        db.insert(tasks).values({ ...base, completed_at: "2026-01-01T00:00:00Z" }),
      ),
    ).toBe(CHECK_VIOLATION);
  });

  it("sorts priorities none < low < medium < high", async () => {
    const user = await createUser(db);
    for (const priority of ["high", "none", "medium", "low"] as const) {
      await created(user.id, { title: priority, priority });
    }
    const sorted = await listed(user.id, "priority");
    expect(sorted.map((t) => t.priority)).toEqual(["none", "low", "medium", "high"]);
  });
});
