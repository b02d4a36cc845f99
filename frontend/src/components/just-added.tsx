"use client";
import type { ReactNode } from "react";
import type { Task } from "@/lib/api";
import { viewExcludes } from "@/lib/task-view";
import { type ListParams, SORTS } from "@/lib/tasks-query";

/** Why a new task is pinned rather than in the list below, in a sentence. */
export function whyPinned(task: Task, params: ListParams): string {
  switch (viewExcludes(task, params)) {
    case "filter":
      return task.is_completed
        ? "Active doesn’t list completed tasks."
        : "New tasks are active, so Completed doesn’t list them.";
    case "tag":
      return `It isn’t tagged #${params.tag}.`;
    case "search":
      return `It doesn’t match the search “${params.q}”.`;
    default:
      return `In “${SORTS[params.sort]}” order it comes after the tasks loaded so far.`;
  }
}

interface WayBack {
  onShowAll: () => void;
  onClearTag: () => void;
  onClearSearch: () => void;
}

/** The tasks added here that the list below cannot show (yet), pinned above it, and why. */
export function JustAdded({
  tasks,
  params,
  row,
  onHide,
  ...wayBack
}: {
  tasks: Task[];
  params: ListParams;
  row: (task: Task) => ReactNode;
  onHide: () => void;
} & WayBack) {
  if (tasks.length === 0) return null;
  return (
    <section className="just-added" aria-labelledby="just-added-heading">
      <div className="just-added-header">
        <h2 id="just-added-heading">Just added</h2>
        <button type="button" className="btn btn-small" onClick={onHide}>
          Hide<span className="visually-hidden"> the tasks just added</span>
        </button>
      </div>
      <ul className="list">{tasks.map(row)}</ul>
      <PinnedReasons tasks={tasks} params={params} {...wayBack} />
    </section>
  );
}

/** Under the pinned tasks: why they are there, each reason once, with the way to the list. */
function PinnedReasons({
  tasks,
  params,
  onShowAll,
  onClearTag,
  onClearSearch,
}: { tasks: Task[]; params: ListParams } & WayBack) {
  const reasons = new Map<string, ReturnType<typeof viewExcludes>>();
  for (const task of tasks) reasons.set(whyPinned(task, params), viewExcludes(task, params));
  return (
    <div className="just-added-why">
      {[...reasons].map(([text, kind]) => (
        <p key={text}>
          {/* <bdi>: a right-to-left search cannot move the quotes around it. */}
          {kind === "search" ? (
            <>
              It doesn’t match the search “<bdi>{params.q}</bdi>”.
            </>
          ) : kind === "tag" ? (
            <>
              It isn’t tagged #<bdi>{params.tag}</bdi>.
            </>
          ) : (
            text
          )}{" "}
          {kind === "filter" && (
            <button type="button" className="btn btn-small" onClick={onShowAll}>
              Show all tasks
            </button>
          )}
          {kind === "tag" && (
            <button type="button" className="btn btn-small" onClick={onClearTag}>
              Show every tag
            </button>
          )}
          {kind === "search" && (
            <button type="button" className="btn btn-small" onClick={onClearSearch}>
              Clear search
            </button>
          )}
        </p>
      ))}
    </div>
  );
}
