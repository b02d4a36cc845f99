// The optimistic changes to the cached tasks, as pure functions: each takes what is cached (every
// loaded list, this tab's Just-added tasks, the counts) and one change, and returns the new cached
// data, leaving the old untouched. A change's undo, for when the server refuses it, is here too.
// lib/use-tasks.ts reads the cache from TanStack Query, applies these, and writes back what changed.
import type { InfiniteData } from "@tanstack/react-query";
import { TASK_DEFAULTS } from "@todo/contract/tasks";
import type { Change, Task, TaskChanges, TaskPage, TaskStats } from "./api";
import { belongs, placeInList } from "./task-view";
import type { ListParams } from "./tasks-query";

export type ListData = InfiniteData<TaskPage, string | undefined>;

export interface CachedList {
  /** The view the list was loaded for (its query key). */
  params: ListParams;
  data: ListData;
}

export interface TaskCache {
  /** Every list loaded, one per view (filter, search, tag and sort). */
  lists: readonly CachedList[];
  /** The tasks pinned under "Just added", newest first (useJustAdded in lib/use-tasks.ts). */
  justAdded: readonly Task[] | undefined;
  stats: TaskStats | undefined;
}

let temporaryId = 0;

/** A task typed here, as it is shown until the server confirms it (a negative id marks it). */
export function newTask(title: string): Task {
  const now = new Date().toISOString();
  return {
    ...TASK_DEFAULTS,
    id: --temporaryId,
    // The API's name for the signed-in user, until the server's task replaces this one.
    user_id: "me",
    title,
    tags: [...TASK_DEFAULTS.tags],
    completed_at: null,
    position: 0,
    version: 1,
    created_at: now,
    updated_at: now,
  };
}

/** Applies a change to every cached task (null: the task goes). A task that no longer fits a
 * list's filter or tag leaves that list; the Just-added tasks change with the rest. */
function editTasks(cache: TaskCache, change: (task: Task) => Task | null): TaskCache {
  const changed = (tasks: readonly Task[], fits: (task: Task) => boolean) =>
    tasks.flatMap((task) => {
      const next = change(task);
      return next && fits(next) ? [next] : [];
    });
  return {
    ...cache,
    justAdded: cache.justAdded && changed(cache.justAdded, () => true),
    lists: cache.lists.map(({ params, data }) => ({
      params,
      data: {
        ...data,
        pages: data.pages.map((page) => ({
          ...page,
          items: changed(page.items, (task) => belongs(task, params)),
        })),
      },
    })),
  };
}

function editStats(cache: TaskCache, change: (stats: TaskStats) => TaskStats): TaskCache {
  return cache.stats ? { ...cache, stats: change(cache.stats) } : cache;
}

/** How a task's completion moving from `from` to `to` changes the counts. */
const completionDelta =
  (from: boolean, to: boolean) =>
  (s: TaskStats): TaskStats =>
    from === to
      ? s
      : { ...s, pending: s.pending + (to ? -1 : 1), completed: s.completed + (to ? 1 : -1) };

const withTask = (task: Task) => (t: Task) => (t.id === task.id ? task : t);

/**
 * A new task (from newTask): in each loaded list whose rows have room for it, in its place; under
 * "Just added" too when `pin` (its own view cannot show it yet); and in the counts.
 */
export function addTask(cache: TaskCache, task: Task, { pin }: { pin: boolean }): TaskCache {
  const lists = cache.lists.map((list) => {
    const place = placeInList(task, list.params, list.data);
    if (!place) return list;
    const [p, index] = place;
    const pages = list.data.pages.map((page, i) =>
      i === p
        ? { ...page, items: [...page.items.slice(0, index), task, ...page.items.slice(index)] }
        : page,
    );
    return { params: list.params, data: { ...list.data, pages } };
  });
  const justAdded = pin ? [task, ...(cache.justAdded ?? [])] : cache.justAdded;
  return editStats({ ...cache, lists, justAdded }, (s) => ({
    ...s,
    total: s.total + 1,
    pending: s.pending + 1,
  }));
}

/** The server saved a task added here: its saved form takes the temporary one's place. */
export const confirmTask = (cache: TaskCache, temporary: Task, saved: Task) =>
  editTasks(cache, (t) => (t.id === temporary.id ? saved : t));

/** Undoes addTask: the server refused the task. */
export function unaddTask(cache: TaskCache, task: Task): TaskCache {
  return editStats(removeTasks(cache, [task.id]), (s) => ({
    ...s,
    total: s.total - 1,
    pending: s.pending - 1,
  }));
}

/** Tasks gone from the server (deleted): off every list. The counts are the server's to say. */
export function removeTasks(cache: TaskCache, ids: readonly number[]): TaskCache {
  const gone = new Set(ids);
  return editTasks(cache, (t) => (gone.has(t.id) ? null : t));
}

/** Tasks deleted here: off every list, and out of the counts. */
export function deleteTasks(cache: TaskCache, tasks: readonly Task[]): TaskCache {
  const completed = tasks.filter((task) => task.is_completed).length;
  const pending = tasks.length - completed;
  return editStats(
    removeTasks(
      cache,
      tasks.map((task) => task.id),
    ),
    (s) => ({
      ...s,
      total: s.total - tasks.length,
      pending: s.pending - pending,
      completed: s.completed - completed,
    }),
  );
}

/** Clear completed: every completed task off every list, and none completed in the counts. */
export function clearCompleted(cache: TaskCache): TaskCache {
  return editStats(
    editTasks(cache, (task) => (task.is_completed ? null : task)),
    (s) => ({ ...s, total: s.total - s.completed, completed: 0 }),
  );
}

/** Some of a task's fields changed (`task` is the task before the change). */
export function changeTask(cache: TaskCache, task: Task, changes: TaskChanges): TaskCache {
  const next = editTasks(cache, (t) => (t.id === task.id ? { ...t, ...changes } : t));
  if (changes.is_completed === undefined) return next;
  return editStats(next, completionDelta(task.is_completed, changes.is_completed));
}

/**
 * Undoes changeTask: `task` as it was before, in every list that still shows it. A list the
 * change moved it out of (completed under Active) gets it back from the refetch that follows
 * every change, not from here: only the server knows its place among rows not loaded.
 */
export function unchangeTask(cache: TaskCache, task: Task, changes: TaskChanges): TaskCache {
  const next = editTasks(cache, withTask(task));
  if (changes.is_completed === undefined) return next;
  return editStats(next, completionDelta(changes.is_completed, task.is_completed));
}

/** The task's completion flipped at `at` (an ISO time). */
export function toggleTask(cache: TaskCache, task: Task, at: string): TaskCache {
  const is_completed = !task.is_completed;
  const completed_at = is_completed ? at : null;
  return editStats(
    editTasks(cache, (t) => (t.id === task.id ? { ...t, is_completed, completed_at } : t)),
    completionDelta(task.is_completed, is_completed),
  );
}

/** Undoes toggleTask (as unchangeTask does). */
export const untoggleTask = (cache: TaskCache, task: Task) =>
  unchangeTask(cache, task, { is_completed: !task.is_completed });

/**
 * Every task completed (or every one reopened) at `at`. There is no undo: the server changes
 * them in batches, so after a refusal only its refetch knows which ones changed.
 */
export function completeAll(cache: TaskCache, complete: boolean, at: string): TaskCache {
  return editStats(
    editTasks(cache, (t) =>
      t.is_completed === complete
        ? t
        : { ...t, is_completed: complete, completed_at: complete ? at : null },
    ),
    (s) =>
      complete
        ? { ...s, pending: 0, completed: s.total }
        : { ...s, pending: s.total, completed: 0 },
  );
}

/** Takes tasks off "Just added" (all of them without `ids`): the list shows them in place now. */
export const unpinTasks = (cache: TaskCache, ids?: ReadonlySet<number>): TaskCache => ({
  ...cache,
  justAdded: ids ? (cache.justAdded ?? []).filter((t) => !ids.has(t.id)) : [],
});

/**
 * A change made elsewhere (another tab, another device), from the event stream: the tasks it
 * deleted leave every list, and the tasks it changed take their new form wherever they are shown,
 * unless what is cached is as new already. Where new tasks go, and where changed ones move, only
 * the refetch that follows can say (their place among rows not loaded).
 */
export function applyRemoteChange(cache: TaskCache, change: Change): TaskCache {
  if (change.kind === "delete") return removeTasks(cache, change.task_ids);
  const changed = new Map((change.after ?? []).map((task) => [task.id, task]));
  return editTasks(cache, (task) => {
    const next = changed.get(task.id);
    return next && next.version > task.version ? next : task;
  });
}
