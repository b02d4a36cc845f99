import { describe, expect, it } from "vitest";
import type { Change, Task, TaskPage } from "./api";
import {
  addTask,
  applyRemoteChange,
  type CachedList,
  changeTask,
  clearCompleted,
  completeAll,
  confirmTask,
  deleteTasks,
  newTask,
  removeTasks,
  type TaskCache,
  toggleTask,
  unaddTask,
  unchangeTask,
  unpinTasks,
  untoggleTask,
} from "./task-cache";
import { savedTask, view } from "./task-fixtures";
import type { ListParams } from "./tasks-query";

const AT = "2026-05-01T12:00:00.000Z";
const EARLIER = "2026-04-02T09:30:00.000Z";

const task = (id: number, title: string, changes: Partial<Task> = {}) =>
  savedTask(id, { title, ...changes });

/** A list of one view, its pages given as arrays of tasks; the last has more to load if `more`. */
function list(params: ListParams, pages: Task[][], more = false): CachedList {
  const last = pages.length - 1;
  const taskPages: TaskPage[] = pages.map((items, i) => ({
    items,
    next_cursor: more && i === last ? "next" : null,
  }));
  return {
    params,
    data: { pages: taskPages, pageParams: pages.map((_, i) => (i ? `page-${i}` : undefined)) },
  };
}

const milk = task(1, "Buy milk", { tags: ["home"] });
const report = task(2, "Write report", {
  is_completed: true,
  completed_at: EARLIER,
  tags: ["work"],
});
const sink = task(3, "Fix the sink", { tags: ["home"] });

/** The cache as it is after loading the All, Active, Completed and #home views. */
function loadedCache(): TaskCache {
  return {
    lists: [
      list(view(), [[milk, report, sink]]),
      list(view({ filter: "active" }), [[milk, sink]]),
      list(view({ filter: "completed" }), [[report]]),
      list(view({ tag: "home" }), [[milk, sink]]),
    ],
    justAdded: [],
    stats: { total: 3, pending: 2, completed: 1, overdue: 0 },
  };
}

const titlesOf = (cache: TaskCache) =>
  cache.lists.map((l) => l.data.pages.flatMap((page) => page.items.map((t) => t.title)));

describe("adding a task", () => {
  it("places it in each loaded list with room for it, and counts it as pending", () => {
    const added = newTask("Walk the dog");
    const next = addTask(loadedCache(), added, { pin: false });
    expect(titlesOf(next)).toEqual([
      ["Buy milk", "Write report", "Fix the sink", "Walk the dog"],
      ["Buy milk", "Fix the sink", "Walk the dog"],
      ["Write report"], // Completed: a new task is active
      ["Buy milk", "Fix the sink"], // #home: it has no tags
    ]);
    expect(next.stats).toEqual({ total: 4, pending: 3, completed: 1, overdue: 0 });
    expect(next.justAdded).toEqual([]);
  });

  it("leaves the lists it does not enter as they were (the same objects)", () => {
    const cache = loadedCache();
    const next = addTask(cache, newTask("Walk the dog"), { pin: false });
    expect(next.lists[2]).toBe(cache.lists[2]);
    expect(next.lists[3]).toBe(cache.lists[3]);
    expect(next.lists[0]).not.toBe(cache.lists[0]);
  });

  it("puts it first in a newest-first list, and nowhere in a list with rows still to load after it", () => {
    const cache: TaskCache = {
      lists: [list(view({ sort: "-created" }), [[sink, milk]]), list(view(), [[milk, sink]], true)],
      justAdded: undefined,
      stats: undefined,
    };
    const next = addTask(cache, newTask("Walk the dog"), { pin: true });
    expect(titlesOf(next)).toEqual([
      ["Walk the dog", "Fix the sink", "Buy milk"],
      ["Buy milk", "Fix the sink"],
    ]);
    expect(next.stats).toBeUndefined();
  });

  it("pins it under Just added, newest first, when its view cannot show it", () => {
    const first = newTask("First");
    const second = newTask("Second");
    const pinned = addTask(addTask(loadedCache(), first, { pin: true }), second, { pin: true });
    expect(pinned.justAdded?.map((t) => t.title)).toEqual(["Second", "First"]);
  });

  it("gives every typed task its own negative id until the server gives it one", () => {
    const [a, b] = [newTask("a"), newTask("b")];
    expect(a.id).toBeLessThan(0);
    expect(b.id).toBeLessThan(a.id);
    expect(a).toMatchObject({ title: "a", is_completed: false, tags: [], priority: "none" });
  });

  it("replaces the temporary task with the saved one everywhere, Just added included", () => {
    const typed = newTask("Walk the dog");
    const saved = task(4, "Walk the dog");
    const next = confirmTask(addTask(loadedCache(), typed, { pin: true }), typed, saved);
    expect(next.lists[0]?.data.pages[0]?.items.at(-1)).toEqual(saved);
    expect(next.justAdded).toEqual([saved]);
    const ids = next.lists.flatMap((l) => l.data.pages.flatMap((p) => p.items.map((t) => t.id)));
    expect(ids).not.toContain(typed.id);
  });

  it("undone after a refusal, leaves the cache exactly as it was", () => {
    const snapshot = loadedCache();
    const typed = newTask("Walk the dog");
    const added = addTask(snapshot, typed, { pin: true });
    expect(unaddTask(added, typed)).toEqual(loadedCache());
  });
});

describe("changing a task", () => {
  it("changes it in every list and in Just added", () => {
    const cache = { ...loadedCache(), justAdded: [milk] };
    const next = changeTask(cache, milk, { title: "Buy oat milk" });
    expect(titlesOf(next)).toEqual([
      ["Buy oat milk", "Write report", "Fix the sink"],
      ["Buy oat milk", "Fix the sink"],
      ["Write report"],
      ["Buy oat milk", "Fix the sink"],
    ]);
    expect(next.justAdded?.[0]?.title).toBe("Buy oat milk");
    expect(next.stats).toEqual(cache.stats);
  });

  it("takes it out of a list whose tag it no longer has", () => {
    const next = changeTask(loadedCache(), milk, { tags: ["errands"] });
    expect(titlesOf(next)[3]).toEqual(["Fix the sink"]);
    expect(titlesOf(next)[0]).toEqual(["Buy milk", "Write report", "Fix the sink"]);
  });

  it("moves the counts when it completes it", () => {
    const next = changeTask(loadedCache(), milk, { is_completed: true });
    expect(next.stats).toEqual({ total: 3, pending: 1, completed: 2, overdue: 0 });
    expect(titlesOf(next)[1]).toEqual(["Fix the sink"]);
  });

  it("undone after a refusal, leaves the cache exactly as it was", () => {
    const changes = { title: "Buy oat milk", priority: "high" as const, tags: ["home", "dairy"] };
    const changed = changeTask(loadedCache(), milk, changes);
    expect(unchangeTask(changed, milk, changes)).toEqual(loadedCache());
  });

  it("undone, puts the counts back, and the task back where a list still shows it", () => {
    const changed = changeTask(loadedCache(), milk, { is_completed: true });
    const undone = unchangeTask(changed, milk, { is_completed: true });
    expect(undone.stats).toEqual(loadedCache().stats);
    expect(undone.lists[0]).toEqual(loadedCache().lists[0]);
    // The refetch after every change, not the undo, gives it back to the list it left.
    expect(titlesOf(undone)[1]).toEqual(["Fix the sink"]);
  });
});

describe("ticking a task", () => {
  it("completes it at the given time, in every list that still fits, and moves the counts", () => {
    const next = toggleTask(loadedCache(), milk, AT);
    expect(next.lists[0]?.data.pages[0]?.items[0]).toEqual({
      ...milk,
      is_completed: true,
      completed_at: AT,
    });
    expect(titlesOf(next)[1]).toEqual(["Fix the sink"]);
    expect(next.stats).toEqual({ total: 3, pending: 1, completed: 2, overdue: 0 });
  });

  it("reopens a completed task and clears its completion time", () => {
    const next = toggleTask(loadedCache(), report, AT);
    expect(next.lists[0]?.data.pages[0]?.items[1]).toEqual({
      ...report,
      is_completed: false,
      completed_at: null,
    });
    expect(titlesOf(next)[2]).toEqual([]);
    expect(next.stats).toEqual({ total: 3, pending: 3, completed: 0, overdue: 0 });
  });

  it("undone after a refusal, leaves the cache exactly as it was", () => {
    const snapshot: TaskCache = {
      lists: [list(view(), [[milk, report], [sink]]), list(view({ tag: "home" }), [[milk, sink]])],
      justAdded: [sink],
      stats: { total: 3, pending: 2, completed: 1, overdue: 1 },
    };
    const copy = structuredClone(snapshot);
    for (const ticked of [milk, report, sink]) {
      expect(untoggleTask(toggleTask(snapshot, ticked, AT), ticked)).toEqual(copy);
    }
    expect(snapshot).toEqual(copy); // and the snapshot itself was never changed
  });
});

describe("deleting tasks", () => {
  it("takes them off every list and Just added; the counts wait for the server", () => {
    const cache = { ...loadedCache(), justAdded: [sink] };
    const next = removeTasks(cache, [milk.id, sink.id]);
    expect(titlesOf(next)).toEqual([["Write report"], [], ["Write report"], []]);
    expect(next.justAdded).toEqual([]);
    expect(next.stats).toBe(cache.stats);
  });

  it("leaves the cache as it was for ids it does not hold", () => {
    expect(removeTasks(loadedCache(), [99])).toEqual(loadedCache());
  });
});

describe("completing or reopening every task", () => {
  it("completes them all at the given time, empties Active, and counts them all completed", () => {
    const next = completeAll(loadedCache(), true, AT);
    const all = next.lists[0]?.data.pages[0]?.items ?? [];
    expect(all.map((t) => [t.is_completed, t.completed_at])).toEqual([
      [true, AT],
      [true, EARLIER], // already completed: its own time is kept
      [true, AT],
    ]);
    expect(all[1]).toBe(report);
    expect(titlesOf(next)[1]).toEqual([]);
    expect(next.stats).toEqual({ total: 3, pending: 0, completed: 3, overdue: 0 });
  });

  it("reopens them all, empties Completed, and counts them all pending", () => {
    const next = completeAll(loadedCache(), false, AT);
    expect(titlesOf(next)[2]).toEqual([]);
    expect(next.lists[0]?.data.pages[0]?.items.map((t) => t.completed_at)).toEqual([
      null,
      null,
      null,
    ]);
    expect(next.stats).toEqual({ total: 3, pending: 3, completed: 0, overdue: 0 });
  });
});

describe("Just added", () => {
  it("unpins the tasks given, or all of them", () => {
    const cache = { ...loadedCache(), justAdded: [sink, milk, report] };
    expect(unpinTasks(cache, new Set([milk.id])).justAdded).toEqual([sink, report]);
    expect(unpinTasks(cache).justAdded).toEqual([]);
    expect(unpinTasks({ ...cache, justAdded: undefined }, new Set([1])).justAdded).toEqual([]);
    expect(unpinTasks(cache).lists).toBe(cache.lists);
  });
});

describe("a change made elsewhere (the event stream)", () => {
  const change = (kind: Change["kind"], before: Task[] | null, after: Task[] | null): Change => ({
    id: 7,
    kind,
    task_ids: (after ?? before ?? []).map((t) => t.id),
    before,
    after,
    actor_id: null,
    request_id: null,
    undoes: null,
    created_at: AT,
  });
  const titlesOf = (cache: TaskCache) =>
    cache.lists.map((l) => l.data.pages.flatMap((p) => p.items.map((t) => t.title)));

  it("a task changed elsewhere takes its new form in every list, and leaves those it no longer fits", () => {
    const done = {
      ...milk,
      title: "Buy oat milk",
      is_completed: true,
      completed_at: AT,
      version: 2,
    };
    const cache = applyRemoteChange(loadedCache(), change("update", [milk], [done]));
    expect(titlesOf(cache)).toEqual([
      ["Buy oat milk", "Write report", "Fix the sink"],
      ["Fix the sink"],
      ["Write report"],
      ["Buy oat milk", "Fix the sink"],
    ]);
  });

  it("keeps what is cached when it is as new as the change (this tab got there first)", () => {
    const cache = loadedCache();
    const same = applyRemoteChange(cache, change("update", [milk], [{ ...milk, title: "old" }]));
    expect(titlesOf(same)).toEqual(titlesOf(cache));
  });

  it("tasks deleted elsewhere leave every list", () => {
    const cache = applyRemoteChange(loadedCache(), change("delete", [milk, report], null));
    expect(titlesOf(cache)).toEqual([["Fix the sink"], ["Fix the sink"], [], ["Fix the sink"]]);
  });
});

describe("deleting", () => {
  it("takes the tasks off every list and out of the counts", () => {
    const cache = deleteTasks(loadedCache(), [milk, report]);
    expect(cache.lists.map((l) => l.data.pages.flatMap((p) => p.items.map((t) => t.id)))).toEqual([
      [3],
      [3],
      [],
      [3],
    ]);
    expect(cache.stats).toEqual({ total: 1, pending: 1, completed: 0, overdue: 0 });
  });

  it("Clear completed takes every completed task off every list, and counts none completed", () => {
    const cache = clearCompleted(loadedCache());
    expect(cache.lists.map((l) => l.data.pages.flatMap((p) => p.items.map((t) => t.id)))).toEqual([
      [1, 3],
      [1, 3],
      [],
      [1, 3],
    ]);
    expect(cache.stats).toEqual({ total: 2, pending: 2, completed: 0, overdue: 0 });
  });
});
