"use client";
import { SEARCH_MAX } from "@todo/contract/tasks";
import { type RefObject, useEffect, useRef, useState } from "react";
import { listQueryString } from "@/lib/list-url";
import {
  FILTER_LABELS,
  FILTERS,
  type ListParams,
  SORT_KEYS,
  SORTS,
  type Sort,
} from "@/lib/tasks-query";
import type { SetListParams } from "@/lib/use-list-params";

/**
 * The search field's text. The URL follows it a quarter-second after the last key (replacing the
 * history entry: a search typed is not a page to go Back to); it follows the URL on Back and Forward.
 */
export function useSearchText(q: string, setUrl: SetListParams) {
  const [search, setSearch] = useState(q);
  useEffect(() => {
    const text = search.trim();
    if (text === q) return;
    const timer = window.setTimeout(() => setUrl({ q: text }, "replace"), 250);
    return () => window.clearTimeout(timer);
  }, [search, q, setUrl]);
  const lastUrlQ = useRef(q);
  useEffect(() => {
    if (q !== lastUrlQ.current) {
      lastUrlQ.current = q;
      setSearch((current) => (current.trim() === q ? current : q));
    }
  }, [q]);
  return [search, setSearch] as const;
}

/** Above the list: the status filter, the tag filtered by, the search and the sort. */
export function ListToolbar({
  params,
  setUrl,
  search,
  setSearch,
  searchRef,
}: {
  params: ListParams;
  setUrl: SetListParams;
  search: string;
  setSearch: (text: string) => void;
  searchRef: RefObject<HTMLInputElement | null>;
}) {
  return (
    <div className="toolbar">
      <nav className="filters" aria-label="Show">
        {FILTERS.map((filter) => (
          <a
            key={filter}
            href={`/tasks${listQueryString({ ...params, filter })}`}
            aria-current={params.filter === filter ? "page" : undefined}
            onClick={(event) => {
              if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
              event.preventDefault();
              setUrl({ filter });
            }}
          >
            {FILTER_LABELS[filter]}
          </a>
        ))}
      </nav>
      {params.tag && (
        <button
          type="button"
          className="tag-filter"
          aria-label={`Stop filtering by tag ${params.tag}`}
          onClick={() => setUrl({ tag: "" })}
        >
          <span aria-hidden="true">
            #<bdi>{params.tag}</bdi>
          </span>
          <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" strokeWidth="2.4" />
          </svg>
        </button>
      )}
      <search className="search">
        <label htmlFor="search" className="visually-hidden">
          Search tasks
        </label>
        <input
          ref={searchRef}
          id="search"
          className="input"
          type="search"
          placeholder="Search  /"
          dir="auto"
          value={search}
          maxLength={SEARCH_MAX}
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Escape" && search) {
              event.preventDefault();
              setSearch("");
            }
          }}
        />
      </search>
      <label htmlFor="sort" className="visually-hidden">
        Sort by
      </label>
      <select
        id="sort"
        className="select"
        value={params.sort}
        onChange={(event) => setUrl({ sort: event.target.value as Sort })}
      >
        {SORT_KEYS.map((sort) => (
          <option key={sort} value={sort}>
            {SORTS[sort]}
          </option>
        ))}
      </select>
    </div>
  );
}
