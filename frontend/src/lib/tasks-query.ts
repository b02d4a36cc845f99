// What the task list shows is decided by the URL: ?status, ?q, ?tag and ?sort. The same parsing serves
// the server render (first page) and the browser (later pages), so both ask for the same thing.

export const FILTERS = ["all", "active", "completed"] as const;
export type Filter = (typeof FILTERS)[number];

export const SORTS = {
  created: "Oldest first",
  "-created": "Newest first",
  due: "Due date",
  "-priority": "Priority",
  title: "Title (A–Z)",
} as const;
export type Sort = keyof typeof SORTS;

export const PAGE_SIZE = 50;

export interface ListParams {
  filter: Filter;
  q: string;
  /** One tag the tasks must carry ("" for any), as the API's `tag=` filter takes it. */
  tag: string;
  sort: Sort;
}

const pick = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
  typeof value === "string" && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : fallback;

export function parseListParams(search: Record<string, string | string[] | undefined>): ListParams {
  const q = typeof search.q === "string" ? search.q.trim().slice(0, 200) : "";
  // The API's limit for a tag: a longer one could match nothing anyway.
  const tag = typeof search.tag === "string" ? search.tag.trim().slice(0, 32) : "";
  return {
    filter: pick(search.status, FILTERS, "all"),
    q,
    tag,
    sort: pick(search.sort, Object.keys(SORTS) as Sort[], "created"),
  };
}

/** The page's own query string for a view ("" for the default one), e.g. "?status=active". */
export function listQueryString({ filter, q, tag, sort }: ListParams): string {
  const query = new URLSearchParams();
  if (filter !== "all") query.set("status", filter);
  if (q.trim()) query.set("q", q.trim());
  if (tag) query.set("tag", tag);
  if (sort !== "created") query.set("sort", sort);
  const text = query.toString();
  return text ? `?${text}` : "";
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
