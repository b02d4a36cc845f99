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
import { ApiError, api, type Task, type TaskChanges, type TaskPage, type TaskStats } from "./api";
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
import { type ListParams, listPath, taskKeys } from "./tasks-query";

const BULK_MAX = 500;
export const UNDO_MS = 5000;

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
function editCache(qc: QueryClient, change: (cache: TaskCache) => TaskCache) {
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
      api<TaskPage>(listPath(params, timeZone, pageParam), { signal }),
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
    queryFn: ({ signal }) => api<TaskStats>("/api/me/tasks/stats", { signal }),
    initialData: initial,
  });
}

/** Every id with the given status, page by page (the bulk endpoint needs ids). */
async function idsWithStatus(status: "pending" | "completed", timeZone: string): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams({ status, limit: "100", tz: timeZone });
    if (cursor) params.set("cursor", cursor);
    const page = await api<TaskPage>(`/api/me/tasks?${params}`);
    ids.push(...page.items.map((t) => t.id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return ids;
}

async function bulk(action: "complete" | "uncomplete" | "delete", ids: number[]) {
  for (let i = 0; i < ids.length; i += BULK_MAX) {
    await api("/api/me/tasks/bulk", {
      method: "POST",
      body: { action, ids: ids.slice(i, i + BULK_MAX) },
    });
  }
}

const taskUrl = (id: number) => `/api/me/tasks/${id}`;

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
      api<Task>("/api/me/tasks", {
        method: "POST",
        body: { title: task.title },
        headers: { "Idempotency-Key": crypto.randomUUID() },
      }),
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
      api<Task>(taskUrl(task.id), { method: "PATCH", body: changes }),
    ({ task, changes }) => editCache(qc, (cache) => changeTask(cache, task, changes)),
    "Couldn't save the change",
    {
      onError: ({ task, changes }) => editCache(qc, (cache) => unchangeTask(cache, task, changes)),
    },
  );

  const toggle = useTaskMutation(
    (task: Task) =>
      api<Task>(`${taskUrl(task.id)}/complete`, {
        method: "PATCH",
        body: { is_completed: !task.is_completed },
      }),
    (task) => editCache(qc, (cache) => toggleTask(cache, task, new Date().toISOString())),
    "Couldn't update the task",
    { onError: (task) => editCache(qc, (cache) => untoggleTask(cache, task)) },
  );

  const toggleAll = useTaskMutation(
    async ({ complete, timeZone }: { complete: boolean; timeZone: string }) =>
      bulk(
        complete ? "complete" : "uncomplete",
        await idsWithStatus(complete ? "pending" : "completed", timeZone),
      ),
    ({ complete }) =>
      editCache(qc, (cache) => completeAll(cache, complete, new Date().toISOString())),
    "Couldn't update all tasks",
  );

  return { create, update, toggle, toggleAll };
}

/**
 * Deleting hides the tasks at once and offers Undo; the server is told only when the undo window
 * closes (or the page is left), so Undo gives back exactly the same task.
 */
export function useDeleteWithUndo(timeZone: string) {
  const qc = useQueryClient();
  const [hidden, setHidden] = useState<ReadonlyMap<number, Task>>(new Map());
  const pending = useRef(new Map<number, { ids: number[]; timer: number }>());

  const unhide = useCallback((ids: number[]) => {
    setHidden((current) => {
      const next = new Map(current);
      for (const id of ids) next.delete(id);
      return next;
    });
  }, []);

  const commit = useCallback(
    async (batch: number) => {
      const entry = pending.current.get(batch);
      if (!entry) return;
      pending.current.delete(batch);
      const { ids } = entry;
      try {
        if (ids.length === 1) {
          await api(taskUrl(ids[0] as number), { method: "DELETE" }).catch((error) => {
            if (!(error instanceof ApiError && error.status === 404)) throw error;
          });
        } else {
          await bulk("delete", ids);
        }
        editCache(qc, (cache) => removeTasks(cache, ids));
      } catch (error) {
        toastError("Couldn't delete", error);
      } finally {
        unhide(ids);
        await qc.invalidateQueries({ queryKey: taskKeys.all });
      }
    },
    [qc, unhide],
  );

  const remove = useCallback(
    (tasks: Task[], label: string) => {
      if (tasks.length === 0) return;
      setHidden((current) => {
        const next = new Map(current);
        for (const task of tasks) next.set(task.id, task);
        return next;
      });
      const ids = tasks.map((t) => t.id);
      const batch = ids[0] as number;
      const timer = window.setTimeout(() => commit(batch), UNDO_MS);
      pending.current.set(batch, { ids, timer });
      toast(label, {
        id: `delete-${batch}`,
        duration: UNDO_MS,
        action: {
          label: "Undo",
          onClick: () => {
            window.clearTimeout(timer);
            pending.current.delete(batch);
            unhide(ids);
          },
        },
      });
    },
    [commit, unhide],
  );

  /** Clear completed: every completed task, loaded or not. */
  const removeCompleted = useCallback(
    async (loaded: Task[]) => {
      const ids = await idsWithStatus("completed", timeZone).catch((error: Error) => {
        toastError("Couldn't clear completed tasks", error);
        return null;
      });
      if (!ids) return;
      const byId = new Map(loaded.map((t) => [t.id, t]));
      const tasks = ids.map((id) => byId.get(id) ?? ({ id, is_completed: true } as Task));
      remove(tasks, `${ids.length} completed ${ids.length === 1 ? "task" : "tasks"} cleared`);
    },
    [remove, timeZone],
  );

  // Leaving the page must not lose a delete the user meant: send what is still waiting.
  useEffect(() => {
    const flush = () => {
      for (const [batch, { ids, timer }] of pending.current) {
        window.clearTimeout(timer);
        pending.current.delete(batch);
        const request =
          ids.length === 1
            ? { url: taskUrl(ids[0] as number), method: "DELETE", body: undefined }
            : {
                url: "/api/me/tasks/bulk",
                method: "POST",
                body: JSON.stringify({ action: "delete", ids: ids.slice(0, BULK_MAX) }),
              };
        void fetch(request.url, {
          method: request.method,
          body: request.body,
          headers: request.body ? { "Content-Type": "application/json" } : undefined,
          keepalive: true,
          credentials: "same-origin",
        });
      }
    };
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, []);

  return { hidden, remove, removeCompleted };
}
