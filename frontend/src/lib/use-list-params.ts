"use client";
import { useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { listQueryString, parseListParams } from "./list-url";
import type { ListParams } from "./tasks-query";

/** Changes some of the view; a new history entry unless `mode` is "replace". */
export type SetListParams = (changes: Partial<ListParams>, mode?: "push" | "replace") => void;

/**
 * The list's filter, search and sort, read from and written to the address bar. Next.js keeps
 * `useSearchParams` in step with `history.pushState`, so this needs no server round trip, and
 * Back, Forward and reload all show the same view. Parsing is the server page's own.
 */
export function useListParams() {
  const searchParams = useSearchParams();
  const params = useMemo(() => parseListParams(Object.fromEntries(searchParams)), [searchParams]);
  const setParams: SetListParams = useCallback((changes, mode = "push") => {
    const next = listQueryString({
      ...parseListParams(Object.fromEntries(new URLSearchParams(window.location.search))),
      ...changes,
    });
    const url = `${window.location.pathname}${next}`;
    if (mode === "push") window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
  }, []);
  return [params, setParams] as const;
}
