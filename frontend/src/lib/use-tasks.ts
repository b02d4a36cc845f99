"use client";
// The task list's data: cached by TanStack Query, changed optimistically (the screen changes at
// once, the server is told after), and put right from the server when it refuses. The changes
// themselves are pure functions (lib/task-cache.ts); here they are wired to the query client.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
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
import { editCache } from "./edit-cache";
import { ownRequestHeaders, ownRequestId } from "./own-changes";
import {
  addTask,
  changeTask,
  clearCompleted,
  completeAll,
  confirmTask,
  deleteTasks,
  type ListData,
  toggleTask,
  unaddTask,
  unchangeTask,
  unpinTasks,
  untoggleTask,
} from "./task-cache";
import { type ListParams, listQuery, taskKeys } from "./tasks-query";
import { useUndo } from "./use-undo";

/** Every task path names the caller as "me". */
const me = { user_id: "me" } as const;

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

/** The headers a change is sent with (its request id, lib/own-changes.ts). */
type RequestHeaders = { headers: Record<string, string> };

/** One action on many tasks: those with `ids`, or every one the list with `filter` shows. */
const bulk = (request: BulkRequest, init: RequestHeaders) =>
  data(client.POST("/api/{user_id}/tasks/bulk", { params: { path: me }, body: request, ...init }));

const deleteTask = (id: number, init: RequestHeaders) =>
  data(
    client.DELETE("/api/{user_id}/tasks/{id}", { params: { path: { ...me, id } }, ...init }),
  ).catch((error) => {
    // Already gone (another tab, another device): what the user wanted.
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  });

/** What a change was, in words: it can be undone with Ctrl+Z, and from a toast with `toast`. */
interface Undoable {
  label: string;
  toast?: string;
}

/** Shared by every change: the optimistic edit happens in the same tick as the click (so the
 * next paint shows it), refetches that would overwrite it are cancelled, the server's refusal is
 * shown, and the list is refetched once the last change in flight has settled. Each change goes
 * with a request id of its own, by which undo finds it in the change log (lib/undo.ts). */
function useTaskMutation<V, R>(
  run: (variables: V, init: RequestHeaders) => Promise<R>,
  optimistic: (variables: V) => void,
  failure: string,
  extra: {
    onSuccess?: (result: R, variables: V) => void;
    onError?: (variables: V) => void;
    /** Changes with the same scope reach the server one after another, in the order made. */
    scope?: string;
    /** How the change reads in the undo history (and its toast), once it is saved. */
    undoable?: (variables: V, result: R) => Undoable;
  } = {},
) {
  const qc = useQueryClient();
  const { offerUndo } = useUndo();
  const mutation = useMutation({
    mutationKey: ["tasks"],
    scope: extra.scope ? { id: extra.scope } : undefined,
    mutationFn: ({ variables, requestId }: { variables: V; requestId: string }) =>
      run(variables, { headers: ownRequestHeaders(requestId) }),
    onSuccess: (result, { variables, requestId }) => {
      extra.onSuccess?.(result, variables);
      const undoable = extra.undoable?.(variables, result);
      if (undoable) offerUndo(requestId, undoable.label, undoable.toast);
    },
    onError: (error, { variables }) => {
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
    (variables: V, options?: { onError?: (error: Error) => void }) => {
      void qc.cancelQueries({ queryKey: taskKeys.all });
      optimisticRef.current(variables);
      mutate({ variables, requestId: ownRequestId() }, options);
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

const quoted = (task: Task) => `“${task.title}”`;

export function useTaskActions(onCreateFailed: (title: string) => void) {
  const qc = useQueryClient();

  const create = useTaskMutation(
    ({ task }: { task: Task; pin: boolean }, init) =>
      data(
        client.POST("/api/{user_id}/tasks", {
          params: { path: me, header: { "idempotency-key": crypto.randomUUID() } },
          body: { title: task.title },
          ...init,
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
      undoable: ({ task }) => ({ label: `Added ${quoted(task)}` }),
    },
  );

  const update = useTaskMutation(
    ({ task, changes }: { task: Task; changes: TaskChanges }, init) =>
      // No If-Match: a PATCH carries only the fields the user changed, so it cannot undo a change
      // to another field, and this tab's own quick successive changes (tick, then rename) must
      // not refuse each other for a version the cache has not caught up with yet.
      data(
        client.PATCH("/api/{user_id}/tasks/{id}", {
          params: { path: { ...me, id: task.id } },
          body: changes,
          ...init,
        }),
      ),
    ({ task, changes }) => editCache(qc, (cache) => changeTask(cache, task, changes)),
    "Couldn't save the change",
    {
      onError: ({ task, changes }) => editCache(qc, (cache) => unchangeTask(cache, task, changes)),
      undoable: ({ task }) => ({ label: `Edited ${quoted(task)}` }),
    },
  );

  const toggle = useTaskMutation(
    (task: Task, init) =>
      data(
        client.PATCH("/api/{user_id}/tasks/{id}/complete", {
          params: { path: { ...me, id: task.id } },
          body: { is_completed: !task.is_completed },
          ...init,
        }),
      ),
    (task) => editCache(qc, (cache) => toggleTask(cache, task, new Date().toISOString())),
    "Couldn't update the task",
    {
      onError: (task) => editCache(qc, (cache) => untoggleTask(cache, task)),
      // Ctrl+Z undoes it; a toast for every tick would bury the list.
      undoable: (task) => ({
        label: `${task.is_completed ? "Reopened" : "Completed"} ${quoted(task)}`,
      }),
    },
  );

  const toggleAll = useTaskMutation(
    // One request, one statement on the server: every task, loaded or not.
    (complete: boolean, init) =>
      bulk(
        {
          action: complete ? "complete" : "uncomplete",
          filter: { status: complete ? "pending" : "completed" },
        },
        init,
      ),
    (complete) => editCache(qc, (cache) => completeAll(cache, complete, new Date().toISOString())),
    "Couldn't update all tasks",
    {
      undoable: (complete, result) => {
        const label = `${complete ? "Completed" : "Reopened"} ${tasksCount(result.ids.length)}`;
        return { label, toast: label };
      },
    },
  );

  const remove = useTaskMutation(
    (task: Task, init) => deleteTask(task.id, init),
    (task) => editCache(qc, (cache) => deleteTasks(cache, [task])),
    "Couldn't delete",
    { undoable: (task) => ({ label: `Deleted ${quoted(task)}`, toast: "Task deleted" }) },
  );

  /** Clear completed: every completed task, loaded or not, in one request. */
  const removeCompleted = useTaskMutation(
    (_: undefined, init) => bulk({ action: "delete", filter: { status: "completed" } }, init),
    () => editCache(qc, (cache) => clearCompleted(cache)),
    "Couldn't clear the completed tasks",
    {
      undoable: (_, result) => {
        const label = `${tasksCount(result.ids.length, "completed")} cleared`;
        return { label, toast: label };
      },
    },
  );

  return { create, update, toggle, toggleAll, remove, removeCompleted };
}

const tasksCount = (count: number, kind = "") =>
  `${count} ${kind ? `${kind} ` : ""}${count === 1 ? "task" : "tasks"}`;
