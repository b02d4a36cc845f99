"use client";
// The task list's data: cached by TanStack Query, changed optimistically (the screen changes at
// once, the server is told after), and put right from the server when it refuses.
import {
  type InfiniteData,
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
import { type ListParams, listPath, type Sort, taskKeys } from "./tasks-query";

export type ListData = InfiniteData<TaskPage, string | undefined>;
const BULK_MAX = 500;
export const UNDO_MS = 5000;

const belongs = (task: Task, { filter, tag }: ListParams) =>
  (filter === "all" || (filter === "completed") === task.is_completed) &&
  (!tag || task.tags.includes(tag));

/** Applies a change to every cached list; a task that no longer fits a list's filter leaves it.
 * The tasks added in this tab (see useJustAdded) change with them. */
function editLists(qc: QueryClient, change: (task: Task) => Task | null) {
  qc.setQueryData<Task[]>(taskKeys.justAdded, (added) =>
    added?.flatMap((task) => {
      const next = change(task);
      return next ? [next] : [];
    }),
  );
  for (const [key, data] of qc.getQueriesData<ListData>({ queryKey: ["tasks", "list"] })) {
    if (!data) continue;
    const params = key[2] as ListParams;
    qc.setQueryData<ListData>(key, {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        items: page.items.flatMap((task) => {
          const next = change(task);
          return next && belongs(next, params) ? [next] : [];
        }),
      })),
    });
  }
}

function editStats(qc: QueryClient, change: (stats: TaskStats) => TaskStats) {
  qc.setQueryData<TaskStats>(taskKeys.stats, (stats) => (stats ? change(stats) : stats));
}

/** How a task's completion moving changes the counts. */
const completionDelta =
  (from: boolean, to: boolean) =>
  (s: TaskStats): TaskStats =>
    from === to
      ? s
      : { ...s, pending: s.pending + (to ? -1 : 1), completed: s.completed + (to ? 1 : -1) };

const PRIORITY_RANK = { none: 0, low: 1, medium: 2, high: 3 } as const;

/** The API's order for each sort (tasks.service.ts: the sort key, then the id, both one way);
 * a task not yet saved has the highest id. */
function compareFor(sort: Sort): (a: Task, b: Task) => number {
  const id = (t: Task) => (t.id < 0 ? Number.MAX_SAFE_INTEGER : t.id);
  const by =
    <K extends string | number>(key: (t: Task) => K, descending = false) =>
    (a: Task, b: Task) => {
      const [x, y] = [key(a), key(b)];
      const order = x < y ? -1 : x > y ? 1 : id(a) - id(b);
      return descending ? -order : order;
    };
  switch (sort) {
    // By id alone: a new task is the newest, whatever this computer's clock says.
    case "created":
      return by(id);
    case "-created":
      return by(id, true);
    case "due":
      return by((t) => (t.due_at ? Date.parse(t.due_at) : Number.POSITIVE_INFINITY));
    case "-priority":
      return by((t) => PRIORITY_RANK[t.priority], true);
    case "title":
      return by((t) => t.title.toLowerCase());
  }
}

/**
 * Whether a task matches a search as the API's `q=` does: every word of it, in any case, somewhere
 * in the title, the notes or a tag.
 */
function matchesSearch(task: Task, q: string): boolean {
  const text = [task.title, task.description, ...task.tags].join("\n").toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .every((word) => text.includes(word));
}

/** Why a task is not in a view, if it cannot be: its filter, its tag or its search leaves it out. */
export function viewExcludes(task: Task, params: ListParams): "filter" | "tag" | "search" | null {
  if (!belongs(task, { ...params, tag: "" })) return "filter";
  if (params.tag && !task.tags.includes(params.tag)) return "tag";
  if (params.q && !matchesSearch(task, params.q)) return "search";
  return null;
}

/**
 * Where a new task goes among a view's loaded rows, as [page, index], or null when it belongs to
 * the view but past the rows loaded so far (or not to the view at all). The server's refetch would
 * drop it from the screen there, so it is shown under "Just added" instead.
 */
export function placeInList(
  task: Task,
  params: ListParams,
  data: { pages: TaskPage[] } | undefined,
): [number, number] | null {
  if (!data || viewExcludes(task, params)) return null;
  const compare = compareFor(params.sort);
  for (const [p, page] of data.pages.entries()) {
    const index = page.items.findIndex((item) => compare(task, item) < 0);
    if (index >= 0) return [p, index];
  }
  const last = data.pages.length - 1;
  const lastPage = data.pages[last];
  // After every loaded row: it is only in place if nothing is left to load.
  if (!lastPage || lastPage.next_cursor) return null;
  return [last, lastPage.items.length];
}

export function useTaskList(params: ListParams, timeZone: string, initial: ListData | undefined) {
  return useInfiniteQuery({
    queryKey: taskKeys.list(params),
    queryFn: ({ pageParam, signal }) =>
      api<TaskPage>(listPath(params, timeZone, pageParam), { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    initialData: initial,
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

let temporaryId = 0;

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
    (ids?: ReadonlySet<number>) =>
      qc.setQueryData<Task[]>(taskKeys.justAdded, (added = []) =>
        ids ? added.filter((t) => !ids.has(t.id)) : [],
      ),
    [qc],
  );
  return { added: data, unpin };
}

export function useTaskActions(onCreateFailed: (title: string) => void) {
  const qc = useQueryClient();

  const create = useTaskMutation(
    ({ task }: { task: Task; pin: boolean }) =>
      api<Task>("/api/me/tasks", {
        method: "POST",
        body: { title: task.title },
        headers: { "Idempotency-Key": crypto.randomUUID() },
      }),
    ({ task, pin }) => {
      for (const [key, data] of qc.getQueriesData<ListData>({ queryKey: ["tasks", "list"] })) {
        const place = placeInList(task, key[2] as ListParams, data);
        if (!data || !place) continue;
        const [p, index] = place;
        const pages = data.pages.map((page, i) =>
          i === p
            ? { ...page, items: [...page.items.slice(0, index), task, ...page.items.slice(index)] }
            : page,
        );
        qc.setQueryData<ListData>(key, { ...data, pages });
      }
      if (pin) qc.setQueryData<Task[]>(taskKeys.justAdded, (added = []) => [task, ...added]);
      editStats(qc, (s) => ({ ...s, total: s.total + 1, pending: s.pending + 1 }));
    },
    "Couldn't add the task",
    {
      // Two tasks typed quickly must be created in the order typed: the list is sorted by
      // creation, and a second POST overtaking the first would swap them on the next refetch.
      scope: "create-task",
      onSuccess: (saved, { task }) => editLists(qc, (t) => (t.id === task.id ? saved : t)),
      onError: ({ task }) => {
        editLists(qc, (t) => (t.id === task.id ? null : t));
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
    ({ task, changes }) => {
      editLists(qc, (t) => (t.id === task.id ? { ...t, ...changes } : t));
      if (changes.is_completed !== undefined) {
        editStats(qc, completionDelta(task.is_completed, changes.is_completed));
      }
    },
    "Couldn't save the change",
    { onError: ({ task }) => editLists(qc, (t) => (t.id === task.id ? task : t)) },
  );

  const toggle = useTaskMutation(
    (task: Task) =>
      api<Task>(`${taskUrl(task.id)}/complete`, {
        method: "PATCH",
        body: { is_completed: !task.is_completed },
      }),
    (task) => {
      const is_completed = !task.is_completed;
      editLists(qc, (t) =>
        t.id === task.id
          ? { ...t, is_completed, completed_at: is_completed ? new Date().toISOString() : null }
          : t,
      );
      editStats(qc, completionDelta(task.is_completed, is_completed));
    },
    "Couldn't update the task",
    { onError: (task) => editLists(qc, (t) => (t.id === task.id ? task : t)) },
  );

  const toggleAll = useTaskMutation(
    async ({ complete, timeZone }: { complete: boolean; timeZone: string }) =>
      bulk(
        complete ? "complete" : "uncomplete",
        await idsWithStatus(complete ? "pending" : "completed", timeZone),
      ),
    ({ complete }) => {
      const at = new Date().toISOString();
      editLists(qc, (t) =>
        t.is_completed === complete
          ? t
          : { ...t, is_completed: complete, completed_at: complete ? at : null },
      );
      editStats(qc, (s) =>
        complete
          ? { ...s, pending: 0, completed: s.total }
          : { ...s, pending: s.total, completed: 0 },
      );
    },
    "Couldn't update all tasks",
  );

  return { create, update, toggle, toggleAll };
}

/** A task typed here, as it is shown until the server confirms it (a negative id marks it). */
export function newTask(title: string): Task {
  const now = new Date().toISOString();
  return {
    id: --temporaryId,
    title,
    description: "",
    is_completed: false,
    completed_at: null,
    priority: "none",
    due_at: null,
    tags: [],
    position: 0,
    version: 1,
    created_at: now,
    updated_at: now,
  };
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
        const gone = new Set(ids);
        editLists(qc, (t) => (gone.has(t.id) ? null : t));
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
