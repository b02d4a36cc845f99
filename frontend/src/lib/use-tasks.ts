"use client";
// The task list's data: cached by TanStack Query, changed optimistically (the screen changes at
// once, the server is told after), and put right from the server when it refuses. The changes
// themselves are pure functions (lib/task-cache.ts); here they are wired to the query client.
import {
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { toastError } from "@/components/retry-countdown";
import {
  ApiError,
  type BulkRequest,
  client,
  data,
  type Task,
  type TaskChanges,
  type TaskPage,
  type TaskStats,
} from "./api";
import {
  addTask,
  changeTask,
  completeAll,
  confirmTask,
  type ListData,
  removeTasks,
  type TaskCache,
  toggleTask,
  unaddTask,
  unchangeTask,
  unpinTasks,
  untoggleTask,
} from "./task-cache";
import { type Hidden, NOTHING_HIDDEN } from "./task-view";
import { type ListParams, listQuery, taskKeys } from "./tasks-query";

export const UNDO_MS = 5000;
/** Every task path names the caller as "me". */
const me = { user_id: "me" } as const;

function readCache(qc: QueryClient): TaskCache {
  return {
    lists: qc
      .getQueriesData<ListData>({ queryKey: ["tasks", "list"] })
      .flatMap(([key, data]) => (data ? [{ params: key[2] as ListParams, data }] : [])),
    justAdded: qc.getQueryData<Task[]>(taskKeys.justAdded),
    stats: qc.getQueryData<TaskStats>(taskKeys.stats),
  };
}

/** Applies a change from lib/task-cache.ts to the query client's data, writing back only the
 * queries the change replaced (the functions keep the objects they leave alone). */
export function editCache(qc: QueryClient, change: (cache: TaskCache) => TaskCache) {
  const before = readCache(qc);
  const after = change(before);
  if (after.justAdded && after.justAdded !== before.justAdded) {
    qc.setQueryData<Task[]>(taskKeys.justAdded, [...after.justAdded]);
  }
  for (const [i, list] of after.lists.entries()) {
    if (list.data !== before.lists[i]?.data) {
      qc.setQueryData<ListData>(taskKeys.list(list.params), list.data);
    }
  }
  if (after.stats && after.stats !== before.stats) {
    qc.setQueryData<TaskStats>(taskKeys.stats, after.stats);
  }
}

const sameParams = (a: ListParams, b: ListParams) =>
  a.filter === b.filter && a.q === b.q && a.tag === b.tag && a.sort === b.sort;

/** The list of one view, page by page. The first page the server rendered (`initial`, of the view
 * in `initial.params`) is that view's data to start with. */
export function useTaskList(
  params: ListParams,
  timeZone: string,
  initial: { params: ListParams; page: TaskPage },
) {
  const [initialData] = useState<ListData>(() => ({
    pages: [initial.page],
    pageParams: [undefined],
  }));
  return useInfiniteQuery({
    queryKey: taskKeys.list(params),
    queryFn: ({ pageParam, signal }) =>
      data(
        client.GET("/api/{user_id}/tasks", {
          params: { path: me, query: listQuery(params, timeZone, pageParam) },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    initialData: sameParams(params, initial.params) ? initialData : undefined,
    // Keeps the previous list on screen while a new filter or search loads: no flash of emptiness.
    placeholderData: (previous) => previous,
  });
}

export function useTaskStats(initial: TaskStats) {
  return useQuery({
    queryKey: taskKeys.stats,
    queryFn: ({ signal }) =>
      data(client.GET("/api/{user_id}/tasks/stats", { params: { path: me }, signal })),
    initialData: initial,
  });
}

/** One action on many tasks: those with `ids`, or every one the list with `filter` shows. */
const bulk = (request: BulkRequest, init: { keepalive?: boolean } = {}) =>
  data(client.POST("/api/{user_id}/tasks/bulk", { params: { path: me }, body: request, ...init }));

const deleteTask = (id: number, init: { keepalive?: boolean } = {}) =>
  data(client.DELETE("/api/{user_id}/tasks/{id}", { params: { path: { ...me, id } }, ...init }));

/** Shared by every change: the optimistic edit happens in the same tick as the click (so the
 * next paint shows it), refetches that would overwrite it are cancelled, the server's refusal is
 * shown, and the list is refetched once the last change in flight has settled. */
function useTaskMutation<V, R>(
  run: (variables: V) => Promise<R>,
  optimistic: (variables: V) => void,
  failure: string,
  extra: {
    onSuccess?: (result: R, variables: V) => void;
    onError?: (variables: V) => void;
    /** Changes with the same scope reach the server one after another, in the order made. */
    scope?: string;
  } = {},
) {
  const qc = useQueryClient();
  const mutation = useMutation({
    mutationKey: ["tasks"],
    scope: extra.scope ? { id: extra.scope } : undefined,
    mutationFn: run,
    onSuccess: extra.onSuccess,
    onError: (error, variables) => {
      toastError(failure, error);
      extra.onError?.(variables);
    },
    onSettled: () => {
      if (qc.isMutating({ mutationKey: ["tasks"] }) === 1) {
        return qc.invalidateQueries({ queryKey: taskKeys.all });
      }
    },
  });
  const { mutate } = mutation;
  // The latest `optimistic` without a new callback each render (rows are memoised on it).
  const optimisticRef = useRef(optimistic);
  optimisticRef.current = optimistic;
  return useCallback(
    (variables: V, options?: Parameters<typeof mutate>[1]) => {
      void qc.cancelQueries({ queryKey: taskKeys.all });
      optimisticRef.current(variables);
      mutate(variables, options);
    },
    [qc, mutate],
  );
}

/**
 * The tasks added in this tab that the view they were added in could not show in place (their
 * page is not loaded yet, the filter or the search leaves them out), newest first, kept up to date
 * by every change. The list pins them under "Just added" until its loaded rows show them, so a new
 * task never vanishes from the screen.
 */
export function useJustAdded() {
  const qc = useQueryClient();
  const { data } = useQuery({
    queryKey: taskKeys.justAdded,
    // Only ever set from here (setQueryData), never fetched.
    queryFn: () => qc.getQueryData<Task[]>(taskKeys.justAdded) ?? [],
    initialData: [] as Task[],
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
    enabled: false,
  });
  /** Takes these tasks off the list (all of them without an argument). */
  const unpin = useCallback(
    (ids?: ReadonlySet<number>) => editCache(qc, (cache) => unpinTasks(cache, ids)),
    [qc],
  );
  return { added: data, unpin };
}

export type TaskActions = ReturnType<typeof useTaskActions>;

export function useTaskActions(onCreateFailed: (title: string) => void) {
  const qc = useQueryClient();

  const create = useTaskMutation(
    ({ task }: { task: Task; pin: boolean }) =>
      data(
        client.POST("/api/{user_id}/tasks", {
          params: { path: me, header: { "idempotency-key": crypto.randomUUID() } },
          body: { title: task.title },
        }),
      ),
    ({ task, pin }) => editCache(qc, (cache) => addTask(cache, task, { pin })),
    "Couldn't add the task",
    {
      // Two tasks typed quickly must be created in the order typed: the list is sorted by
      // creation, and a second POST overtaking the first would swap them on the next refetch.
      scope: "create-task",
      onSuccess: (saved, { task }) => editCache(qc, (cache) => confirmTask(cache, task, saved)),
      onError: ({ task }) => {
        editCache(qc, (cache) => unaddTask(cache, task));
        onCreateFailed(task.title);
      },
    },
  );

  const update = useTaskMutation(
    ({ task, changes }: { task: Task; changes: TaskChanges }) =>
      // No If-Match: a PATCH carries only the fields the user changed, so it cannot undo a change
      // to another field, and this tab's own quick successive changes (tick, then rename) must
      // not refuse each other for a version the cache has not caught up with yet.
      data(
        client.PATCH("/api/{user_id}/tasks/{id}", {
          params: { path: { ...me, id: task.id } },
          body: changes,
        }),
      ),
    ({ task, changes }) => editCache(qc, (cache) => changeTask(cache, task, changes)),
    "Couldn't save the change",
    {
      onError: ({ task, changes }) => editCache(qc, (cache) => unchangeTask(cache, task, changes)),
    },
  );

  const toggle = useTaskMutation(
    (task: Task) =>
      data(
        client.PATCH("/api/{user_id}/tasks/{id}/complete", {
          params: { path: { ...me, id: task.id } },
          body: { is_completed: !task.is_completed },
        }),
      ),
    (task) => editCache(qc, (cache) => toggleTask(cache, task, new Date().toISOString())),
    "Couldn't update the task",
    { onError: (task) => editCache(qc, (cache) => untoggleTask(cache, task)) },
  );

  const toggleAll = useTaskMutation(
    // One request, one statement on the server: every task, loaded or not.
    (complete: boolean) =>
      bulk({
        action: complete ? "complete" : "uncomplete",
        filter: { status: complete ? "pending" : "completed" },
      }),
    (complete) => editCache(qc, (cache) => completeAll(cache, complete, new Date().toISOString())),
    "Couldn't update all tasks",
  );

  return { create, update, toggle, toggleAll };
}

/** A delete waiting for its undo window to close: one task, or every completed one. */
type Deletion = { task: Task } | { completed: true };

/**
 * Deleting hides the tasks at once and offers Undo; the server is told only when the undo window
 * closes (or the page is left), so Undo gives back exactly the same task.
 */
export function useDeleteWithUndo() {
  const qc = useQueryClient();
  const [hidden, setHidden] = useState<Hidden>(NOTHING_HIDDEN);
  const pending = useRef(new Map<string, { deletion: Deletion; timer: number }>());

  /** Hides (or shows again) what a deletion takes off the screen. */
  const hide = useCallback((deletion: Deletion, hiding: boolean) => {
    setHidden((current) => {
      if ("completed" in deletion) return { ...current, completed: hiding };
      const tasks = new Map(current.tasks);
      if (hiding) tasks.set(deletion.task.id, deletion.task);
      else tasks.delete(deletion.task.id);
      return { ...current, tasks };
    });
  }, []);

  /** Tells the server. `keepalive`: the page is being left, and the request must outlive it. */
  const send = useCallback(async (deletion: Deletion, keepalive = false) => {
    if ("completed" in deletion) {
      await bulk({ action: "delete", filter: { status: "completed" } }, { keepalive });
      return;
    }
    await deleteTask(deletion.task.id, { keepalive }).catch((error) => {
      // Already gone (another tab): what the user wanted.
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    });
  }, []);

  const commit = useCallback(
    async (key: string) => {
      const entry = pending.current.get(key);
      if (!entry) return;
      pending.current.delete(key);
      const { deletion } = entry;
      try {
        await send(deletion);
        if ("task" in deletion) editCache(qc, (cache) => removeTasks(cache, [deletion.task.id]));
      } catch (error) {
        toastError("Couldn't delete", error);
      } finally {
        // Hidden until the list is fetched again, so a cleared task does not flash back first.
        await qc.invalidateQueries({ queryKey: taskKeys.all });
        hide(deletion, false);
      }
    },
    [qc, hide, send],
  );

  const schedule = useCallback(
    (deletion: Deletion, key: string, label: string) => {
      hide(deletion, true);
      const timer = window.setTimeout(() => commit(key), UNDO_MS);
      pending.current.set(key, { deletion, timer });
      toast(label, {
        id: `delete-${key}`,
        duration: UNDO_MS,
        action: {
          label: "Undo",
          onClick: () => {
            window.clearTimeout(timer);
            pending.current.delete(key);
            hide(deletion, false);
          },
        },
      });
    },
    [commit, hide],
  );

  const remove = useCallback(
    (task: Task, label: string) => schedule({ task }, String(task.id), label),
    [schedule],
  );

  /** Clear completed: every completed task, loaded or not, in one request. */
  const removeCompleted = useCallback(() => {
    if (pending.current.has("completed")) return;
    const count = qc.getQueryData<TaskStats>(taskKeys.stats)?.completed ?? 0;
    schedule(
      { completed: true },
      "completed",
      `${count} completed ${count === 1 ? "task" : "tasks"} cleared`,
    );
  }, [qc, schedule]);

  // Leaving the page must not lose a delete the user meant: send what is still waiting.
  useEffect(() => {
    const flush = () => {
      for (const [key, { deletion, timer }] of pending.current) {
        window.clearTimeout(timer);
        pending.current.delete(key);
        void send(deletion, true).catch(() => {});
      }
    };
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [send]);

  return { hidden, remove, removeCompleted };
}
