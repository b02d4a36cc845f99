// Concurrent and repeated changes over real HTTP: If-Match (412 for a stale version) and
// Idempotency-Key (one task however often a create is retried).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { databaseKind } from "../../test/helpers.ts";
import type { Task } from "../db/schema.ts";
import { expectInvalid, expectProblem, idsOf, TASKS, useTasksApi } from "./tasks.test-helpers.ts";

const { newUser, useUser } = useTasksApi();

describe(`concurrency: If-Match (${databaseKind})`, () => {
  const user = useUser();

  it("two PUTs with the same If-Match at once: one 200, one 412 carrying the current task", async () => {
    const task = await user.create({ title: "contended" });
    const path = `${TASKS}/${task.id}`;
    const etag = `"${task.version}"`;
    const responses = await Promise.all(
      ["first", "second"].map((title) => user.call("PUT", path, { title }, { "If-Match": etag })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = responses.find((r) => r.status === 200);
    const loser = responses.find((r) => r.status === 412);
    if (!winner || !loser) throw new Error("expected one 200 and one 412");
    const won = (await winner.json()) as Task;
    expect(won.version).toBe(task.version + 1);
    expect(loser.headers.get("etag")).toBe(`"${won.version}"`);
    const problem = await expectProblem(loser, 412);
    expect(problem.task).toEqual(won);
    expect(await user.get(task.id)).toEqual(won);
  });

  it("a stale If-Match is 412 for PATCH, complete and DELETE, and the task stays as it was", async () => {
    const task = await user.create({ title: "stale" });
    const current = (await (
      await user.call("PATCH", `${TASKS}/${task.id}`, { title: "moved on" })
    ).json()) as Task;
    const stale = { "If-Match": `"${task.version}"` };
    const path = `${TASKS}/${task.id}`;
    for (const response of [
      await user.call("PATCH", path, { title: "lost" }, stale),
      await user.call("PATCH", `${path}/complete`, undefined, stale),
      await user.call("DELETE", path, undefined, stale),
    ]) {
      expect(response.headers.get("etag")).toBe(`"${current.version}"`);
      expect((await expectProblem(response, 412)).task).toEqual(current);
    }
    expect(await user.get(task.id)).toEqual(current);
  });

  it("If-Match with an ETag that is no version of ours is 412, not 500", async () => {
    const task = await user.create({ title: "odd etag" });
    const response = await user.call(
      "PATCH",
      `${TASKS}/${task.id}`,
      { title: "x" },
      {
        "If-Match": "not-a-version",
      },
    );
    await expectProblem(response, 412);
    expect(await user.get(task.id)).toEqual(task);
  });

  it("If-Match * matches any version; the current ETag (strong or weak) matches", async () => {
    const task = await user.create({ title: "star" });
    const path = `${TASKS}/${task.id}`;
    const star = await user.call("PATCH", path, { title: "one" }, { "If-Match": "*" });
    expect(star.status).toBe(200);
    const current = await user.call("PATCH", path, { title: "two" }, { "If-Match": '"2"' });
    expect(current.status).toBe(200);
    const weak = await user.call("PATCH", `${path}/complete`, undefined, { "If-Match": 'W/"3"' });
    expect(weak.status).toBe(200);
    const put = await user.call("PUT", path, { title: "three" }, { "If-Match": "*" });
    expect(put.status).toBe(200);
    const removed = await user.call("DELETE", path, undefined, { "If-Match": "*" });
    expect(removed.status).toBe(204);
    await expectProblem(await user.call("GET", path), 404);
  });
});

describe(`idempotency keys (${databaseKind})`, () => {
  it("the same key and body ten times in a row: all 201 with the same task, one task created", async () => {
    const user = await newUser();
    const key = randomUUID();
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await user.call(
        "POST",
        TASKS,
        { title: "once" },
        { "Idempotency-Key": key },
      );
      expect(response.status).toBe(201);
      const task = (await response.json()) as Task;
      expect(response.headers.get("location")).toBe(`/api/${user.id}/tasks/${task.id}`);
      expect(response.headers.get("etag")).toBe('"1"');
      ids.push(task.id);
    }
    expect(new Set(ids).size).toBe(1);
    expect(idsOf(await user.list())).toEqual([ids[0]]);
  });

  it("the same key ten times at once: one task created; each answer is 201 (same task) or 409", async () => {
    const user = await newUser();
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        user.call("POST", TASKS, { title: "racing" }, { "Idempotency-Key": key }),
      ),
    );
    const ids = new Set<number>();
    for (const response of responses) {
      expect([201, 409]).toContain(response.status);
      if (response.status === 201) ids.add(((await response.json()) as Task).id);
      else await expectProblem(response, 409);
    }
    expect(ids.size).toBe(1);
    expect(idsOf(await user.list())).toEqual([...ids]);
    // Once finished, a retry replays it.
    const retry = await user.call("POST", TASKS, { title: "racing" }, { "Idempotency-Key": key });
    expect(retry.status).toBe(201);
    expect(((await retry.json()) as Task).id).toBe([...ids][0]);
  });

  it("the same key with another body is 422, and creates nothing", async () => {
    const user = await newUser();
    const key = randomUUID();
    expect(
      (await user.call("POST", TASKS, { title: "one" }, { "Idempotency-Key": key })).status,
    ).toBe(201);
    const other = await user.call("POST", TASKS, { title: "two" }, { "Idempotency-Key": key });
    await expectInvalid(other, "Idempotency-Key");
    expect((await user.list()).map((t) => t.title)).toEqual(["one"]);
  });

  it("keys are per user: another user's same key creates that user's own task", async () => {
    const [a, b] = await Promise.all([newUser(), newUser()]);
    const key = randomUUID();
    const first = await a.call("POST", TASKS, { title: "shared key" }, { "Idempotency-Key": key });
    const second = await b.call("POST", TASKS, { title: "shared key" }, { "Idempotency-Key": key });
    expect([first.status, second.status]).toEqual([201, 201]);
    const aTask = (await first.json()) as Task;
    const bTask = (await second.json()) as Task;
    expect(bTask.id).not.toBe(aTask.id);
    expect(bTask.user_id).toBe(b.id);
    expect(idsOf(await a.list())).toEqual([aTask.id]);
    expect(idsOf(await b.list())).toEqual([bTask.id]);
  });
});
