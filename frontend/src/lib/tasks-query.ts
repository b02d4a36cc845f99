// What the task list shows (a view: filter, search, tag, sort), and how it is asked of the API and
// cached. The page's URL holds the view (lib/list-url.ts).
import { type Sort as ApiSort, PAGE_SIZE } from "@todo/contract/tasks";
import type { paths } from "./api-schema";

export const FILTERS = ["all", "active", "completed"] as const;
export type Filter = (typeof FILTERS)[number];
export const FILTER_LABELS: Record<Filter, string> = {
  all: "All",
  active: "Active",
  completed: "Completed",
};

/** The orders the list offers (of the API's), with their names. */
export const SORTS = {
  created: "Oldest first",
  "-created": "Newest first",
  due: "Due date",
  "-priority": "Priority",
  title: "Title (A–Z)",
} as const satisfies Partial<Record<ApiSort, string>>;
export type Sort = keyof typeof SORTS;
export const SORT_KEYS = Object.keys(SORTS) as Sort[];

export interface ListParams {
  filter: Filter;
  q: string;
  /** One tag the tasks must carry ("" for any), as the API's `tag=` filter takes it. */
  tag: string;
  sort: Sort;
}

type ListQuery = NonNullable<paths["/api/{user_id}/tasks"]["get"]["parameters"]["query"]>;

/** The API's query for one page of the list. */
export function listQuery(
  { filter, q, tag, sort }: ListParams,
  timeZone: string,
  cursor?: string,
): ListQuery {
  return {
    status: filter === "active" ? "pending" : filter,
    sort,
    limit: PAGE_SIZE,
    tz: timeZone,
    ...(q && { q }),
    ...(tag && { tag }),
    ...(cursor && { cursor }),
  };
}

export const taskKeys = {
  all: ["tasks"] as const,
  list: (params: ListParams) => ["tasks", "list", params] as const,
  stats: ["tasks", "stats"] as const,
  history: (taskId: number) => ["tasks", "history", taskId] as const,
  // Not under "tasks": it is this tab's own record, and refetching the tasks must not touch it.
  justAdded: ["just-added"] as const,
};
