import type { ReactNode } from "react";
import { FILTER_LABELS, type Filter } from "@/lib/tasks-query";

/** What the list says when it has no rows: why, and what to do about it. */
export function EmptyState({
  filter,
  query,
  tag,
  total,
  onClearSearch,
}: {
  filter: Filter;
  query: string;
  tag: string;
  total: number;
  onClearSearch: () => void;
}) {
  let title: ReactNode;
  let hint: ReactNode;
  if (query) {
    // <bdi>: a right-to-left search (or one holding a bidi override) cannot move the quotes.
    title = (
      <>
        No tasks match “<bdi>{query}</bdi>”
      </>
    );
    hint = (
      <button type="button" className="btn btn-small" onClick={onClearSearch}>
        Clear search
      </button>
    );
  } else if (tag) {
    title = (
      <>
        No {filter === "all" ? "" : `${FILTER_LABELS[filter].toLowerCase()} `}tasks tagged #
        <bdi>{tag}</bdi>
      </>
    );
    hint = "Remove the tag filter above to see the others.";
  } else if (total === 0) {
    title = "Nothing to do yet";
    hint = "Type a task in the field above and press Enter.";
  } else if (filter === "active") {
    title = "All done!";
    hint = "Nothing left to do. Enjoy the quiet.";
  } else {
    title = "No completed tasks yet";
    hint = "Tick a task's checkbox when you finish it.";
  }
  return (
    <div className="empty card" role="status">
      <strong>{title}</strong>
      {hint}
    </div>
  );
}

/** In the list's place when it could not be loaded. Never the empty state: "All done!" beside
 * "29 items left" would be a lie. */
export function LoadFailed({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div className="empty card" role="alert">
      <strong>Couldn't load your tasks</strong>
      <span>{message}</span>
      <button type="button" className="btn btn-small" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
