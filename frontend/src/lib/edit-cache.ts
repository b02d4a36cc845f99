// The task list's cached data as one value (lib/task-cache.ts's TaskCache), read from and written
// back to TanStack Query's client: every change to what is cached goes through editCache.
import type { QueryClient } from "@tanstack/react-query";
import type { Task, TaskStats } from "./api";
import type { ListData, TaskCache } from "./task-cache";
import { type ListParams, taskKeys } from "./tasks-query";

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
