// What the task list shows (a view: filter, search, tag, sort), and how it is asked of the API and
// cached. The page's URL holds the view (lib/list-url.ts).

export const FILTERS = ["all", "active", "completed"] as const;
export type Filter = (typeof FILTERS)[number];
export const FILTER_LABELS: Record<Filter, string> = {
  all: "All",
  active: "Active",
  completed: "Completed",
};

export const SORTS = {
  created: "Oldest first",
  "-created": "Newest first",
  due: "Due date",
  "-priority": "Priority",
  title: "Title (A–Z)",
} as const;
export type Sort = keyof typeof SORTS;
export const SORT_KEYS = Object.keys(SORTS) as Sort[];

export const PAGE_SIZE = 50;

export interface ListParams {
  filter: Filter;
  q: string;
  /** One tag the tasks must carry ("" for any), as the API's `tag=` filter takes it. */
  tag: string;
  sort: Sort;
}

/** The API path of one page of the list. */
export function listPath({ filter, q, tag, sort }: ListParams, timeZone: string, cursor?: string) {
  const params = new URLSearchParams({
    status: filter === "active" ? "pending" : filter,
    sort,
    limit: String(PAGE_SIZE),
    tz: timeZone,
  });
  if (q) params.set("q", q);
  if (tag) params.set("tag", tag);
  if (cursor) params.set("cursor", cursor);
  return `/api/me/tasks?${params}`;
}

export const taskKeys = {
  all: ["tasks"] as const,
  list: (params: ListParams) => ["tasks", "list", params] as const,
  stats: ["tasks", "stats"] as const,
  // Not under "tasks": it is this tab's own record, and refetching the tasks must not touch it.
  justAdded: ["just-added"] as const,
};
