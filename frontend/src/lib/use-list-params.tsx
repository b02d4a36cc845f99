"use client";
import { useQueryStates } from "nuqs";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import { type ReactNode, useCallback } from "react";
import { canonicalListSearch, listParsers, listUrlKeys } from "./list-url";
import type { ListParams } from "./tasks-query";

/** Changes some of the view; a new history entry unless `mode` is "replace". */
export type SetListParams = (changes: Partial<ListParams>, mode?: "push" | "replace") => void;

/** Around the task list: nuqs, writing the list's URL in its one form (lib/list-url.ts). */
export function ListParamsAdapter({ children }: { children: ReactNode }) {
  return <NuqsAdapter processUrlSearchParams={canonicalListSearch}>{children}</NuqsAdapter>;
}

/**
 * The list's filter, search and sort, read from and written to the address bar, so that Back,
 * Forward and reload all show the same view. A change is a new history entry, or replaces the
 * current one (a search being typed); either way there is no server round trip.
 */
export function useListParams() {
  const [params, setParams] = useQueryStates(listParsers, { urlKeys: listUrlKeys });
  const setUrl: SetListParams = useCallback(
    (changes, mode = "push") => void setParams(changes, { history: mode }),
    [setParams],
  );
  return [params, setUrl] as const;
}
