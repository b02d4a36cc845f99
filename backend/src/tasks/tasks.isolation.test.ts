// Isolation between users over real HTTP: another user's tasks are 404, their id in the path 403.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { databaseKind } from "../../test/helpers.ts";
import type { Task } from "../db/schema.ts";
import { type ApiUser, expectProblem, idsOf, TASKS, useTasksApi } from "./tasks.test-helpers.ts";

const { newUser } = useTasksApi();

describe(`isolation between users (${databaseKind})`, () => {
  let a: ApiUser;
  let b: ApiUser;
  let aTasks: Task[];
  let bTask: Task;
  const snapshots = new Map<number, string>();
  let aList = "";

  beforeAll(async () => {
    [a, b] = await Promise.all([newUser(), newUser()]);
    aTasks = [
      await a.create({ title: "A's first", tags: ["private"], due_at: "2030-01-01T00:00:00Z" }),
      await a.create({ title: "A's second", is_completed: true }),
    ];
    bTask = await b.create({ title: "B's own" });
    for (const task of aTasks) {
      snapshots.set(task.id, await (await a.call("GET", `${TASKS}/${task.id}`)).text());
    }
    aList = await (await a.call("GET", TASKS)).text();
  });

  it("another user's task ids are 404 on every task route, like ids that do not exist", async () => {
    for (const task of aTasks) {
      const path = `${TASKS}/${task.id}`;
      await expectProblem(await b.call("GET", path), 404);
      await expectProblem(await b.call("PUT", path, { title: "stolen" }), 404);
      await expectProblem(await b.call("PATCH", path, { title: "stolen" }), 404);
      await expectProblem(await b.call("PATCH", `${path}/complete`), 404);
      await expectProblem(await b.call("PATCH", `${path}/complete`, { is_completed: false }), 404);
      await expectProblem(await b.call("PUT", path, { title: "stolen" }, { "If-Match": "*" }), 404);
      await expectProblem(await b.call("DELETE", path), 404);
      await expectProblem(await b.call("DELETE", path, undefined, { "If-Match": '"1"' }), 404);
    }
    // The answer does not tell "someone else's" from "no such task".
    const someoneElses = await expectProblem(await b.call("GET", `${TASKS}/${aTasks[0]?.id}`), 404);
    const nobodys = await expectProblem(await b.call("GET", `${TASKS}/2147483647`), 404);
    expect({ ...someoneElses, request_id: "" }).toEqual({ ...nobodys, request_id: "" });
  });

  it.each(["complete", "uncomplete", "delete"])(
    "bulk %s with another user's ids is 404 and changes nothing, not even the caller's own tasks",
    async (action) => {
      const aIds = idsOf(aTasks);
      await expectProblem(await b.call("POST", `${TASKS}/bulk`, { action, ids: aIds }), 404);
      const mixed = await b.call("POST", `${TASKS}/bulk`, { action, ids: [bTask.id, ...aIds] });
      const problem = await expectProblem(mixed, 404);
      expect(problem.detail).not.toContain(String(bTask.id));
      expect(await b.get(bTask.id)).toEqual(bTask);
    },
  );

  it("another user's id in the path is 403 on every route", async () => {
    const aTask = aTasks[0]?.id ?? 0;
    for (const owner of [a.id, randomUUID()]) {
      const base = `/api/${owner}/tasks`;
      const routes: [string, string, unknown][] = [
        ["GET", base, undefined],
        ["GET", `${base}?status=completed`, undefined],
        ["POST", base, { title: "planted" }],
        ["GET", `${base}/stats`, undefined],
        ["POST", `${base}/bulk`, { action: "delete", ids: [aTask] }],
        ["GET", `${base}/${aTask}`, undefined],
        ["PUT", `${base}/${aTask}`, { title: "stolen" }],
        ["PATCH", `${base}/${aTask}`, { title: "stolen" }],
        ["PATCH", `${base}/${aTask}/complete`, undefined],
        ["DELETE", `${base}/${aTask}`, undefined],
        // B's own task under A's id is refused too.
        ["GET", `${base}/${bTask.id}`, undefined],
        ["DELETE", `${base}/${bTask.id}`, undefined],
      ];
      for (const [method, path, body] of routes) {
        const response = await b.call(method, path, body);
        expect(`${method} ${path} → ${response.status}`).toBe(`${method} ${path} → 403`);
        await expectProblem(response, 403);
      }
    }
    expect(await b.get(bTask.id)).toEqual(bTask);
  });

  it("leaves A's tasks byte-identical, and B never sees them", async () => {
    for (const task of aTasks) {
      expect(await (await a.call("GET", `${TASKS}/${task.id}`)).text()).toBe(
        snapshots.get(task.id),
      );
    }
    expect(await (await a.call("GET", TASKS)).text()).toBe(aList);
    const bIds = idsOf(await b.list("limit=100"));
    expect(bIds).toEqual([bTask.id]);
    for (const query of [
      "status=completed",
      "q=A",
      "tag=private",
      "due=upcoming",
      "sort=-created",
    ]) {
      for (const task of await b.list(query)) expect(task.user_id).toBe(b.id);
    }
    expect(await (await b.call("GET", `${TASKS}/stats`)).json()).toMatchObject({ total: 1 });
  });
});
