// The tasks API over real HTTP and a real database (DESIGN.md §6): each endpoint's happy path.
import { describe, expect, it } from "vitest";
import { databaseKind } from "../../test/helpers.ts";
import type { Task } from "../db/schema.ts";
import { DAY, expectProblem, idsOf, isoInstant, TASKS, useTasksApi } from "./tasks.test-helpers.ts";

const { newUser, useUser } = useTasksApi();

describe(`each endpoint, happy path (${databaseKind})`, () => {
  const user = useUser();

  it("creates a task: 201 with Location, ETag, the defaults, and an increasing position", async () => {
    const response = await user.call("POST", TASKS, { title: "  Buy milk  " });
    expect(response.status).toBe(201);
    const task = (await response.json()) as Task;
    expect(task).toMatchObject({
      user_id: user.id,
      title: "Buy milk",
      description: "",
      is_completed: false,
      completed_at: null,
      priority: "none",
      due_at: null,
      tags: [],
      version: 1,
    });
    expect(task.id).toBeTypeOf("number");
    expect(task.created_at).toMatch(isoInstant);
    expect(task.updated_at).toMatch(isoInstant);
    expect(response.headers.get("location")).toBe(`/api/${user.id}/tasks/${task.id}`);
    expect(response.headers.get("etag")).toBe('"1"');
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);

    const second = await user.create({ title: "second" });
    const third = await user.create({ title: "third" });
    expect(second.position).toBeGreaterThan(task.position);
    expect(third.position).toBeGreaterThan(second.position);
  });

  it("creates a task with every field given", async () => {
    const task = await user.create({
      title: "Full",
      description: "line one\nline two\twith a tab",
      is_completed: true,
      priority: "high",
      due_at: "2030-06-01T12:00:00+02:00",
      tags: [" home ", "home", "errands"],
      position: 7.5,
    });
    expect(task).toMatchObject({
      title: "Full",
      description: "line one\nline two\twith a tab",
      is_completed: true,
      priority: "high",
      tags: ["home", "errands"], // trimmed and de-duplicated
      position: 7.5,
    });
    expect(task.due_at).toMatch(isoInstant); // in UTC on the wire
    expect(Date.parse(task.due_at ?? "")).toBe(Date.parse("2030-06-01T10:00:00Z"));
    expect(task.completed_at).toMatch(isoInstant);
  });

  it("lists the user's tasks, with next_cursor null for a short list", async () => {
    const fresh = await newUser();
    const a = await fresh.create({ title: "a" });
    const b = await fresh.create({ title: "b" });
    const response = await fresh.call("GET", TASKS);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: Task[]; next_cursor: string | null };
    expect(page.next_cursor).toBeNull();
    expect(page.items).toEqual([a, b]);
  });

  it("pages through a longer list with next_cursor", async () => {
    const fresh = await newUser();
    const created: Task[] = [];
    for (const title of ["1", "2", "3", "4", "5"]) created.push(await fresh.create({ title }));
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const response = await fresh.call("GET", `${TASKS}?${query}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: Task[]; next_cursor: string | null };
      seen.push(...idsOf(page.items));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(idsOf(created));
  });

  it("gets one task with its ETag; If-None-Match with that ETag answers 304 with no body", async () => {
    const task = await user.create({ title: "etag me" });
    const response = await user.call("GET", `${TASKS}/${task.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe(`"${task.version}"`);
    expect(await response.json()).toEqual(task);

    const notModified = await user.call("GET", `${TASKS}/${task.id}`, undefined, {
      "If-None-Match": `"${task.version}"`,
    });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("etag")).toBe(`"${task.version}"`);
    expect(await notModified.text()).toBe("");

    const other = await user.call("GET", `${TASKS}/${task.id}`, undefined, {
      "If-None-Match": '"999"',
    });
    expect(other.status).toBe(200);

    const any = await user.call("GET", `${TASKS}/${task.id}`, undefined, { "If-None-Match": "*" });
    expect(any.status).toBe(304); // "*" matches any current version (RFC 9110)
  });

  it("PUT replaces the task: fields left out get their defaults, position is kept, version +1", async () => {
    const task = await user.create({
      title: "before",
      description: "details",
      is_completed: true,
      priority: "high",
      due_at: "2030-01-01T00:00:00Z",
      tags: ["x"],
    });
    const response = await user.call("PUT", `${TASKS}/${task.id}`, { title: "after" });
    expect(response.status).toBe(200);
    const replaced = (await response.json()) as Task;
    expect(replaced).toMatchObject({
      id: task.id,
      user_id: user.id,
      title: "after",
      description: "",
      is_completed: false,
      completed_at: null,
      priority: "none",
      due_at: null,
      tags: [],
      position: task.position,
      version: task.version + 1,
      created_at: task.created_at,
    });
    expect(Date.parse(replaced.updated_at)).toBeGreaterThanOrEqual(Date.parse(task.updated_at));
    expect(response.headers.get("etag")).toBe(`"${task.version + 1}"`);
    expect(response.headers.get("etag")).not.toBe(`"${task.version}"`);
    expect(await user.get(task.id)).toEqual(replaced);
  });

  it("PATCH changes only the fields given", async () => {
    const task = await user.create({
      title: "patch me",
      description: "keep",
      priority: "low",
      due_at: "2030-01-01T00:00:00Z",
      tags: ["keep"],
    });
    const response = await user.call("PATCH", `${TASKS}/${task.id}`, { priority: "medium" });
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe(`"${task.version + 1}"`);
    const patched = (await response.json()) as Task;
    expect(patched).toEqual({
      ...task,
      priority: "medium",
      version: task.version + 1,
      updated_at: patched.updated_at,
    });

    const cleared = (await (
      await user.call("PATCH", `${TASKS}/${task.id}`, { due_at: null, tags: [] })
    ).json()) as Task;
    expect(cleared).toMatchObject({
      due_at: null,
      tags: [],
      title: "patch me",
      priority: "medium",
    });

    const done = (await (
      await user.call("PATCH", `${TASKS}/${task.id}`, { is_completed: true })
    ).json()) as Task;
    expect(done.is_completed).toBe(true);
    expect(done.completed_at).toMatch(isoInstant);
  });

  it("toggles completion with no body, and clears completed_at when toggled back", async () => {
    const task = await user.create({ title: "toggle" });
    const first = await user.call("PATCH", `${TASKS}/${task.id}/complete`);
    expect(first.status).toBe(200);
    const done = (await first.json()) as Task;
    expect(done.is_completed).toBe(true);
    expect(done.completed_at).toMatch(isoInstant);
    expect(done.version).toBe(task.version + 1);
    expect(first.headers.get("etag")).toBe(`"${done.version}"`);

    const again = (await (await user.call("PATCH", `${TASKS}/${task.id}/complete`)).json()) as Task;
    expect(again.is_completed).toBe(false);
    expect(again.completed_at).toBeNull();
  });

  it('{"is_completed": true} twice keeps the task completed, with completed_at unchanged', async () => {
    const task = await user.create({ title: "set" });
    const path = `${TASKS}/${task.id}/complete`;
    const first = await user.call("PATCH", path, { is_completed: true });
    expect(first.status).toBe(200);
    const done = (await first.json()) as Task;
    expect(done.is_completed).toBe(true);
    const second = await user.call("PATCH", path, { is_completed: true });
    expect(second.status).toBe(200);
    const still = (await second.json()) as Task;
    expect(still.is_completed).toBe(true);
    expect(still.completed_at).toBe(done.completed_at);

    const reopened = (await (
      await user.call("PATCH", path, { is_completed: false })
    ).json()) as Task;
    expect(reopened).toMatchObject({ is_completed: false, completed_at: null });
  });

  it("DELETE answers 204 with no body; then the task is 404", async () => {
    const task = await user.create({ title: "delete me" });
    const response = await user.call("DELETE", `${TASKS}/${task.id}`);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    await expectProblem(await user.call("GET", `${TASKS}/${task.id}`), 404);
    await expectProblem(await user.call("DELETE", `${TASKS}/${task.id}`), 404);
  });

  it("bulk completes, reopens and deletes many tasks", async () => {
    const fresh = await newUser();
    const a = await fresh.create({ title: "a" });
    const b = await fresh.create({ title: "b" });
    const c = await fresh.create({ title: "c" });

    const complete = await fresh.call("POST", `${TASKS}/bulk`, {
      action: "complete",
      ids: [b.id, a.id, a.id],
    });
    expect(complete.status).toBe(200);
    expect(await complete.json()).toEqual({ action: "complete", ids: [a.id, b.id] });
    for (const id of [a.id, b.id]) {
      const task = await fresh.get(id);
      expect(task.is_completed).toBe(true);
      expect(task.completed_at).toMatch(isoInstant);
      expect(task.version).toBe(2);
    }
    expect(await fresh.get(c.id)).toEqual(c);

    const uncomplete = await fresh.call("POST", `${TASKS}/bulk`, {
      action: "uncomplete",
      ids: [a.id],
    });
    expect(await uncomplete.json()).toEqual({ action: "uncomplete", ids: [a.id] });
    expect(await fresh.get(a.id)).toMatchObject({ is_completed: false, completed_at: null });
    expect((await fresh.get(b.id)).is_completed).toBe(true);

    const remove = await fresh.call("POST", `${TASKS}/bulk`, {
      action: "delete",
      ids: [a.id, c.id],
    });
    expect(await remove.json()).toEqual({ action: "delete", ids: [a.id, c.id] });
    expect(idsOf(await fresh.list())).toEqual([b.id]);

    // All or nothing: one missing id, and nothing changes.
    const missing = await fresh.call("POST", `${TASKS}/bulk`, {
      action: "delete",
      ids: [b.id, a.id],
    });
    const problem = await expectProblem(missing, 404);
    expect(problem.detail).toContain(String(a.id));
    expect(idsOf(await fresh.list())).toEqual([b.id]);
  });

  it("bulk by filter changes every task the list with that filter shows, and no one else's", async () => {
    const [fresh, other] = await Promise.all([newUser(), newUser()]);
    const pending = [
      await fresh.create({ title: "one", tags: ["home"] }),
      await fresh.create({ title: "two" }),
      await fresh.create({ title: "three", tags: ["home"] }),
    ];
    const done = await fresh.create({ title: "done", is_completed: true, tags: ["home"] });
    const othersTask = await other.create({ title: "not yours" });

    const complete = await fresh.call("POST", `${TASKS}/bulk`, {
      action: "complete",
      filter: { status: "pending" },
    });
    expect(complete.status).toBe(200);
    expect(await complete.json()).toEqual({ action: "complete", ids: idsOf(pending) });
    for (const task of pending) {
      expect(await fresh.get(task.id)).toMatchObject({ is_completed: true, version: 2 });
    }
    expect(await fresh.get(done.id)).toEqual(done);
    expect(await other.get(othersTask.id)).toEqual(othersTask);

    // Any list filter: the tagged completed tasks only.
    const reopen = await fresh.call("POST", `${TASKS}/bulk`, {
      action: "uncomplete",
      filter: { status: "completed", tag: "home", q: "one" },
    });
    expect(await reopen.json()).toEqual({
      action: "uncomplete",
      ids: idsOf([pending[0], done] as Task[]),
    });

    const clear = await fresh.call("POST", `${TASKS}/bulk`, {
      action: "delete",
      filter: { status: "completed" },
    });
    expect(await clear.json()).toEqual({ action: "delete", ids: idsOf(pending.slice(1)) });
    expect(idsOf(await fresh.list())).toEqual(idsOf([pending[0], done] as Task[]));

    // Nothing matches: nothing changes, and that is not an error.
    const none = await fresh.call("POST", `${TASKS}/bulk`, {
      action: "delete",
      filter: { status: "completed" },
    });
    expect(await none.json()).toEqual({ action: "delete", ids: [] });
    expect(await other.get(othersTask.id)).toEqual(othersTask);
  });

  it("counts total, pending, completed and overdue tasks", async () => {
    const fresh = await newUser();
    const past = new Date(Date.now() - DAY).toISOString();
    const future = new Date(Date.now() + DAY).toISOString();
    await fresh.create({ title: "pending, no date" });
    await fresh.create({ title: "pending, overdue", due_at: past });
    await fresh.create({ title: "pending, due later", due_at: future });
    await fresh.create({ title: "done, was due", due_at: past, is_completed: true });
    await fresh.create({ title: "done", is_completed: true });
    const response = await fresh.call("GET", `${TASKS}/stats`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ total: 5, pending: 3, completed: 2, overdue: 1 });

    const empty = await newUser();
    expect(await (await empty.call("GET", `${TASKS}/stats`)).json()).toEqual({
      total: 0,
      pending: 0,
      completed: 0,
      overdue: 0,
    });
  });

  it("accepts both `me` and the caller's own id as {user_id}", async () => {
    const own = `/api/${user.id}/tasks`;
    const created = await user.call("POST", own, { title: "by id" });
    expect(created.status).toBe(201);
    const task = (await created.json()) as Task;
    const byId = await user.call("GET", `${own}/${task.id}`);
    const byMe = await user.call("GET", `${TASKS}/${task.id}`);
    expect(byId.status).toBe(200);
    expect(await byId.json()).toEqual(await byMe.json());
    expect((await user.call("GET", own)).status).toBe(200);
    expect((await user.call("GET", `${own}/stats`)).status).toBe(200);
    expect((await user.call("PATCH", `${own}/${task.id}`, { title: "renamed" })).status).toBe(200);
    expect((await user.call("PATCH", `${own}/${task.id}/complete`)).status).toBe(200);
    const bulk = await user.call("POST", `${own}/bulk`, { action: "uncomplete", ids: [task.id] });
    expect(bulk.status).toBe(200);
    expect((await user.call("PUT", `${own}/${task.id}`, { title: "replaced" })).status).toBe(200);
    expect((await user.call("DELETE", `${own}/${task.id}`)).status).toBe(204);
  });
});
