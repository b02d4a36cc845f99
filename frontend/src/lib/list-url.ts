// The list's view in the page's URL: ?status, ?q, ?tag and ?sort, each left out at its default.
// The same parsing serves the server render of the first page and the browser (later pages), so
// both ask for the same thing.
import { TAG_MAX } from "./task-fields";
import { FILTERS, type ListParams, SORT_KEYS } from "./tasks-query";

/** The API's limit on a search (backend/src/tasks/tasks.routes.ts, `q`). */
export const SEARCH_MAX = 200;

const pick = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
  typeof value === "string" && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : fallback;

export function parseListParams(search: Record<string, string | string[] | undefined>): ListParams {
  const q = typeof search.q === "string" ? search.q.trim().slice(0, SEARCH_MAX) : "";
  // The API's limit for a tag: a longer one could match nothing anyway.
  const tag = typeof search.tag === "string" ? search.tag.trim().slice(0, TAG_MAX) : "";
  return {
    filter: pick(search.status, FILTERS, "all"),
    q,
    tag,
    sort: pick(search.sort, SORT_KEYS, "created"),
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
