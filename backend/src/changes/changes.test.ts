// The change log over real HTTP: every mutation writes one change with who and which request, a
// rolled-back one writes none, history and activity read it, and undo reverses each kind of change.
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { databaseKind } from "../../test/helpers.ts";
import { changes, type Task } from "../db/schema.ts";
import { type ApiUser, expectProblem, TASKS, useTasksApi } from "../tasks/tasks.test-helpers.ts";
import { type ChangePage, type ChangeView, compactChanges } from "./changes.service.ts";

const { app, newUser, useUser } = useTasksApi();

async function activity(user: ApiUser, query = ""): Promise<ChangePage> {
  const response = await user.call("GET", `/api/me/activity?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ChangePage;
}
const latest = async (user: ApiUser) => (await activity(user, "limit=1")).items[0] as ChangeView;

async function history(user: ApiUser, id: number, query = ""): Promise<ChangePage> {
  const response = await user.call("GET", `${TASKS}/${id}/history?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ChangePage;
}

async function undo(user: ApiUser, changeId: number) {
  return user.call("POST", `/api/me/changes/${changeId}/undo`);
}
async function undone(user: ApiUser, changeId: number): Promise<ChangeView> {
  const response = await undo(user, changeId);
  expect(response.status).toBe(200);
  return (await response.json()) as ChangeView;
}

describe(`the change log (${databaseKind})`, () => {
  const user = useUser();

  it("writes one change per mutation, with the actor, the request id and the tasks before and after", async () => {
    const response = await user.call(
      "POST",
      TASKS,
      { title: "logged" },
      { "X-Request-Id": "req-create-1" },
    );
    const task = (await response.json()) as Task;
    const created = await latest(user);
    expect(created).toMatchObject({
      kind: "create",
      task_ids: [task.id],
      before: null,
      after: [task],
      actor_id: user.id,
      request_id: "req-create-1",
      undoes: null,
    });

    const renamed = (await (
      await user.call("PATCH", `${TASKS}/${task.id}`, { title: "renamed" })
    ).json()) as Task;
    const update = await latest(user);
    expect(update).toMatchObject({ kind: "update", before: [task], after: [renamed] });
    expect(update.id).toBeGreaterThan(created.id);

    await user.call("PATCH", `${TASKS}/${task.id}/complete`);
    expect((await latest(user)).after?.[0]).toMatchObject({ is_completed: true, version: 3 });

    expect((await user.call("DELETE", `${TASKS}/${task.id}`)).status).toBe(204);
    expect(await latest(user)).toMatchObject({ kind: "delete", task_ids: [task.id], after: null });
  });

  it("a bulk is one change for all its tasks; one that fails (a missing id) writes none", async () => {
    const a = await user.create({ title: "bulk a" });
    const b = await user.create({ title: "bulk b" });
    const before = await latest(user);
    const refused = await user.call("POST", `${TASKS}/bulk`, {
      action: "complete",
      ids: [a.id, 999_999],
    });
    await expectProblem(refused, 404);
    expect((await latest(user)).id).toBe(before.id);

    await user.call("POST", `${TASKS}/bulk`, { action: "complete", ids: [a.id, b.id] });
    const bulk = await latest(user);
    expect(bulk).toMatchObject({ kind: "update", task_ids: [a.id, b.id] });
    expect(bulk.after?.map((task) => task.is_completed)).toEqual([true, true]);

    await user.call("POST", `${TASKS}/bulk`, { action: "delete", filter: { status: "completed" } });
    const cleared = await latest(user);
    expect(cleared.kind).toBe("delete");
    expect(cleared.task_ids).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it("a request that changes nothing (a stale If-Match, a 404) writes nothing", async () => {
    const task = await user.create();
    const before = await latest(user);
    const stale = await user.call(
      "PATCH",
      `${TASKS}/${task.id}`,
      { title: "x" },
      { "If-Match": '"7"' },
    );
    expect(stale.status).toBe(412);
    expect((await user.call("DELETE", `${TASKS}/999999`)).status).toBe(404);
    expect((await latest(user)).id).toBe(before.id);
  });

  it("history: a task's changes newest first, paged, each narrowed to that task", async () => {
    const task = await user.create({ title: "v1" });
    const other = await user.create({ title: "other" });
    for (const title of ["v2", "v3", "v4"]) {
      await user.call("PATCH", `${TASKS}/${task.id}`, { title });
    }
    await user.call("POST", `${TASKS}/bulk`, { action: "complete", ids: [task.id, other.id] });

    const first = await history(user, task.id, "limit=2");
    expect(first.items.map((change) => change.after?.[0]?.title)).toEqual(["v4", "v4"]);
    expect(first.items[0]).toMatchObject({ task_ids: [task.id] });
    expect(first.items[0]?.after).toHaveLength(1);
    expect(first.next_cursor).not.toBeNull();
    const rest = await history(user, task.id, `cursor=${first.next_cursor}`);
    expect(rest.items.map((change) => change.kind)).toEqual(["update", "update", "create"]);
    expect(rest.next_cursor).toBeNull();
  });

  it("shows no one else's changes, and undoes none of them (404)", async () => {
    const stranger = await newUser();
    const task = await stranger.create({ title: "not yours" });
    const theirs = await latest(stranger);
    expect((await activity(user)).items.map((change) => change.id)).not.toContain(theirs.id);
    expect((await history(user, task.id)).items).toEqual([]);
    await expectProblem(await undo(user, theirs.id), 404);
    expect((await stranger.get(task.id)).title).toBe("not yours");
  });
});

describe(`undo and redo (${databaseKind})`, () => {
  const user = useUser();

  it("undo of a create deletes the task; redo brings it back with its id", async () => {
    const task = await user.create({ title: "undo me" });
    const reversal = await undone(user, (await latest(user)).id);
    expect(reversal).toMatchObject({ kind: "delete", task_ids: [task.id] });
    expect((await user.call("GET", `${TASKS}/${task.id}`)).status).toBe(404);

    const redo = await undone(user, reversal.id);
    expect(redo).toMatchObject({ kind: "create", undoes: reversal.id });
    const back = await user.get(task.id);
    expect(back).toMatchObject({ id: task.id, title: "undo me", created_at: task.created_at });
    expect(back.version).toBe(task.version + 1);
  });

  it("undo of an edit puts every field back, at a new version", async () => {
    const task = await user.create({ title: "before", priority: "high", tags: ["a"] });
    await user.call("PATCH", `${TASKS}/${task.id}`, { title: "after", priority: "low", tags: [] });
    const edit = await latest(user);
    const reversal = await undone(user, edit.id);
    expect(reversal).toMatchObject({ kind: "update", undoes: edit.id });
    const now = await user.get(task.id);
    expect(now).toMatchObject({ title: "before", priority: "high", tags: ["a"], version: 3 });
  });

  it("undo of a delete restores the task with its id and fields", async () => {
    const task = await user.create({ title: "deleted", description: "keep me" });
    await user.call("DELETE", `${TASKS}/${task.id}`);
    await undone(user, (await latest(user)).id);
    expect(await user.get(task.id)).toMatchObject({
      id: task.id,
      title: "deleted",
      description: "keep me",
      version: task.version + 1,
    });
  });

  it("undo of a bulk restores every task it touched", async () => {
    const tasks = [await user.create({ title: "b1" }), await user.create({ title: "b2" })];
    await user.call("POST", `${TASKS}/bulk`, { action: "delete", ids: tasks.map((t) => t.id) });
    await undone(user, (await latest(user)).id);
    for (const task of tasks) expect((await user.get(task.id)).title).toBe(task.title);
  });

  it("a change whose tasks changed since is not undone: 409 with what changed, nothing changed", async () => {
    const task = await user.create({ title: "first" });
    await user.call("PATCH", `${TASKS}/${task.id}`, { title: "second" });
    const edit = await latest(user);
    await user.call("PATCH", `${TASKS}/${task.id}`, { title: "third" });
    const response = await undo(user, edit.id);
    const body = (await expectProblem(response, 409)) as unknown as {
      conflicts: { id: number; expected_version: number; current: Task }[];
    };
    expect(body.conflicts).toEqual([
      {
        id: task.id,
        expected_version: 2,
        current: expect.objectContaining({ title: "third", version: 3 }),
      },
    ]);
    expect((await user.get(task.id)).title).toBe("third");

    // A deleted task cannot be undeleted twice.
    await user.call("DELETE", `${TASKS}/${task.id}`);
    const deletion = await latest(user);
    await undone(user, deletion.id);
    await expectProblem(await undo(user, deletion.id), 409);
  });

  it("undoes two changes to one task newest first (Ctrl+Z, Ctrl+Z), then redoes them", async () => {
    const task = await user.create({ title: "one" });
    await user.call("PATCH", `${TASKS}/${task.id}/complete`);
    const tick = await latest(user);
    await user.call("PATCH", `${TASKS}/${task.id}`, { title: "two" });
    const rename = await latest(user);
    const undoRename = await undone(user, rename.id);
    const undoTick = await undone(user, tick.id);
    expect(await user.get(task.id)).toMatchObject({ title: "one", is_completed: false });
    await undone(user, undoTick.id);
    await undone(user, undoRename.id);
    expect(await user.get(task.id)).toMatchObject({ title: "two", is_completed: true });
  });

  it("an unknown change is 404", async () => {
    await expectProblem(await undo(user, 987_654_321), 404);
  });
});

describe(`retention (${databaseKind})`, () => {
  const user = useUser();

  it("deletes changes older than the retention, a batch at a time, and keeps the rest", async () => {
    const old = await user.create({ title: "long ago" });
    const oldChange = await latest(user);
    await user.create({ title: "recent" });
    const recent = await latest(user);
    const { db } = app.database;
    await db
      .update(changes)
      .set({ created_at: sql`now() - interval '31 days'` })
      .where(and(eq(changes.user_id, user.id), eq(changes.id, oldChange.id)));

    // Other users' old changes may be in this file's database too: at least ours goes.
    expect(await compactChanges(db, 30, 1)).toBeGreaterThanOrEqual(1);
    const ids = (await activity(user)).items.map((change) => change.id);
    expect(ids).toContain(recent.id);
    expect(ids).not.toContain(oldChange.id);
    // Its task stays; only the record of how it came to be is gone.
    expect((await user.get(old.id)).title).toBe("long ago");
    await expectProblem(await undo(user, oldChange.id), 404);
  });
});
