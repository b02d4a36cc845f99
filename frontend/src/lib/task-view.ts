// Which tasks a view of the list holds, and in what order, as the API decides it: the browser
// needs the same answers to place a change on screen before the server has seen it.
import type { Task, TaskPage } from "./api";
import type { ListParams, Sort } from "./tasks-query";

/** Whether a task passes a view's status filter and tag (the search is the server's to judge). */
export const belongs = (task: Task, { filter, tag }: Pick<ListParams, "filter" | "tag">) =>
  (filter === "all" || (filter === "completed") === task.is_completed) &&
  (!tag || task.tags.includes(tag));

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
