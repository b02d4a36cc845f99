// The list's view in the page's URL: ?status, ?q, ?tag and ?sort, each left out at its default.
// One set of parsers (nuqs) serves the server render of the first page, the browser's state
// (lib/use-list-params.tsx) and the links (filters, tags), so all three read a URL alike.

import { SEARCH_MAX, TAG_MAX } from "@todo/contract/tasks";
import { createLoader, createParser, createSerializer, parseAsStringLiteral } from "nuqs/server";
import { FILTERS, type ListParams, SORT_KEYS } from "./tasks-query";

/** Text trimmed and cut to the API's limit (a longer one could match nothing anyway); blank is
 * no text at all, and left out of the URL. */
const parseAsText = (max: number) =>
  createParser({
    parse: (value) => value.trim().slice(0, max),
    serialize: (value) => value.trim(),
    eq: (a, b) => a.trim() === b.trim(),
  }).withDefault("");

export const listParsers = {
  filter: parseAsStringLiteral(FILTERS).withDefault("all"),
  q: parseAsText(SEARCH_MAX),
  tag: parseAsText(TAG_MAX),
  sort: parseAsStringLiteral(SORT_KEYS).withDefault("created"),
};

/** In the URL the filter is `status`, as the API calls it. */
export const listUrlKeys = { filter: "status" } as const;

const load = createLoader(listParsers, { urlKeys: listUrlKeys });
const serialize = createSerializer(listParsers, { urlKeys: listUrlKeys });

/** The view a URL's query asks for: a missing, unknown or repeated value counts as its first
 * valid one or the default. */
export function parseListParams(
  search: URLSearchParams | Record<string, string | string[] | undefined>,
): ListParams {
  return load(search);
}

/** The page's own query string for a view ("" for the default one), e.g. "?status=active". */
export function listQueryString(params: ListParams): string {
  return serialize(params);
}

/**
 * A URL's query as the list writes it: its four keys in one order, each valid and not at its
 * default, and nothing else. Every change to the URL goes through it, so a link, the address bar
 * after a click, and a reload all show one URL for one view.
 */
export const canonicalListSearch = (search: URLSearchParams) =>
  new URLSearchParams(listQueryString(parseListParams(search)));
