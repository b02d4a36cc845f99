"use client";
// The task's history in its details: who changed what and when, newest first, from the change log.
import { useInfiniteQuery } from "@tanstack/react-query";
import { client, data } from "@/lib/api";
import { formatFull } from "@/lib/dates";
import { describeChange } from "@/lib/history";
import { taskKeys } from "@/lib/tasks-query";

/** Shown only in the browser (the details panel is not rendered on the server). */
export function TaskHistory({ taskId }: { taskId: number }) {
  const format = {
    locale: navigator.language,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
  const history = useInfiniteQuery({
    queryKey: taskKeys.history(taskId),
    queryFn: ({ pageParam, signal }) =>
      data(
        client.GET("/api/{user_id}/tasks/{id}/history", {
          params: {
            path: { user_id: "me", id: taskId },
            query: { limit: 20, ...(pageParam && { cursor: pageParam }) },
          },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const changes = history.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section className="history" aria-labelledby={`history-${taskId}`}>
      <h3 id={`history-${taskId}`}>History</h3>
      {history.isPending ? (
        <p className="hint">Loading…</p>
      ) : history.isError ? (
        <p className="hint">The history could not be loaded.</p>
      ) : changes.length === 0 ? (
        <p className="hint">No changes kept for this task.</p>
      ) : (
        <ol className="history-list">
          {changes.map((change) => (
            <li key={change.id}>
              <span>{describeChange(change).join(", ")}</span>{" "}
              <time dateTime={change.created_at} className="hint">
                {formatFull(change.created_at, format)}
              </time>
            </li>
          ))}
        </ol>
      )}
      {history.hasNextPage && (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void history.fetchNextPage()}
          disabled={history.isFetchingNextPage}
        >
          Older changes
        </button>
      )}
    </section>
  );
}
