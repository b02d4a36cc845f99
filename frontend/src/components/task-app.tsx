"use client";
import dynamic from "next/dynamic";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, type Task, type TaskChanges, type TaskPage, type TaskStats } from "@/lib/api";
import type { DateFormat } from "@/lib/dates";
import { keepDrafts, takeDrafts } from "@/lib/session";
import { titleError } from "@/lib/task-fields";
import {
  FILTERS,
  type Filter,
  type ListParams,
  listQueryString,
  SORTS,
  type Sort,
} from "@/lib/tasks-query";
import { useDateFormat } from "@/lib/use-date-format";
import { useListParams } from "@/lib/use-list-params";
import { useSessionEnded } from "@/lib/use-session-ended";
import {
  newTask,
  placeInList,
  useDeleteWithUndo,
  useJustAdded,
  useTaskActions,
  useTaskList,
  useTaskStats,
  viewExcludes,
} from "@/lib/use-tasks";
import type { DetailsDraft } from "./task-details";
import { TaskItem } from "./task-item";

const FILTER_LABEL: Record<Filter, string> = {
  all: "All",
  active: "Active",
  completed: "Completed",
};
// The dialogs (and their UI library) are fetched when the browser is idle after the first paint,
// not as part of it: the list is what the first load is for.
const loadDetails = () => import("./task-details").then((m) => m.TaskDetails);
const loadShortcuts = () => import("./shortcuts-dialog").then((m) => m.ShortcutsDialog);
const TaskDetails = dynamic(loadDetails, { ssr: false });
const ShortcutsDialog = dynamic(loadShortcuts, { ssr: false });

const SORT_KEYS = Object.keys(SORTS) as Sort[];
const TEXT_ENTRY = "input:not([type=checkbox]), textarea, select, [contenteditable=true]";

const sameParams = (a: ListParams, b: ListParams) =>
  a.filter === b.filter && a.q === b.q && a.tag === b.tag && a.sort === b.sort;

/** What was being typed when the session ended, given back after signing in (lib/session.ts). */
interface Drafts {
  newTask: string;
  edit: { id: number; title: string };
  details: { id: number; draft: DetailsDraft };
}

/** "now", moving on once a minute, so "Overdue" and "Today" stay true on a page left open. */
function useMinute() {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

export function TaskApp({
  initialParams,
  initialPage,
  initialStats,
  format: serverFormat,
}: {
  initialParams: ListParams;
  initialPage: TaskPage;
  initialStats: TaskStats;
  format: DateFormat;
}) {
  const format = useDateFormat(serverFormat);
  const now = useMinute();
  const [params, setUrl] = useListParams();

  const [initialData] = useState(() => ({ pages: [initialPage], pageParams: [undefined] }));
  const list = useTaskList(
    params,
    format.timeZone,
    sameParams(params, initialParams) ? initialData : undefined,
  );
  const stats = useTaskStats(initialStats).data;

  const newTaskRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState("");
  const [search, setSearch] = useState(params.q);
  const [activeId, setActiveId] = useState<number | null>(null);
  const [editingId, setEditingId] = useState<number | null>(null);
  // A title typed into an edit that could not be saved, to open the edit with again.
  const [editText, setEditText] = useState<{ id: number; title: string }>();
  const [details, setDetails] = useState<{ task: Task; draft?: DetailsDraft; errors?: string[] }>();
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const focusAfterRender = useRef<number | "new" | null>(null);

  const { create, update, toggle, toggleAll } = useTaskActions((title) => {
    // The server refused a new task: give the text back rather than lose it.
    setDraft((current) => current || title);
  });
  const { hidden, remove, removeCompleted } = useDeleteWithUndo(format.timeZone);

  const { added, unpin } = useJustAdded();
  const [announcement, setAnnouncement] = useState("");

  const loaded = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const tasks = useMemo(() => loaded.filter((t) => !hidden.has(t.id)), [loaded, hidden]);
  // New tasks the rows on screen do not show (yet): pinned above them, so none ever vanishes.
  const pinned = useMemo(() => {
    const shown = new Set(loaded.map((t) => t.id));
    return added.filter((t) => !shown.has(t.id) && !hidden.has(t.id));
  }, [added, loaded, hidden]);
  // Every row on screen, in order: what the shortcuts move through and act on.
  const rows = useMemo(() => [...pinned, ...tasks], [pinned, tasks]);
  // The row the shortcuts act on: the one last focused, else the first (highlighted as such).
  const current = rows.find((t) => t.id === activeId) ?? rows[0];

  // A pinned task that the list now shows in its place (more rows loaded, another view) is
  // unpinned. Not while the previous view's rows stand in for a view still loading.
  const { isPlaceholderData } = list;
  useEffect(() => {
    if (isPlaceholderData) return;
    const shown = new Set(loaded.map((t) => t.id));
    const placed = new Set(added.filter((t) => shown.has(t.id)).map((t) => t.id));
    if (placed.size > 0) unpin(placed);
  }, [added, loaded, isPlaceholderData, unpin]);
  const hiddenTasks = [...hidden.values()];
  const hiddenCompleted = hiddenTasks.filter((t) => t.is_completed).length;
  const left = Math.max(0, stats.pending - (hiddenTasks.length - hiddenCompleted));
  const completed = Math.max(0, stats.completed - hiddenCompleted);
  const total = left + completed;

  // Search as you type, a quarter-second after the last key; the URL keeps it for reload and Back.
  useEffect(() => {
    const text = search.trim();
    if (text === params.q) return;
    const timer = window.setTimeout(() => setUrl({ q: text }, "replace"), 250);
    return () => window.clearTimeout(timer);
  }, [search, params.q, setUrl]);
  // Back and Forward change the URL under us: follow it.
  const lastUrlQ = useRef(params.q);
  useEffect(() => {
    if (params.q !== lastUrlQ.current) {
      lastUrlQ.current = params.q;
      setSearch((current) => (current.trim() === params.q ? current : params.q));
    }
  }, [params.q]);

  useEffect(() => {
    const idle = window.requestIdleCallback ?? ((run: () => void) => window.setTimeout(run, 200));
    idle(() => void Promise.all([loadDetails(), loadShortcuts()]));
  }, []);

  // TodoMVC has the new-task field ready on load, but on a touch screen focus opens the keyboard
  // over half the list: there, the field waits for a tap. Nor is focus taken from where the user
  // already put it.
  useEffect(() => {
    if (window.matchMedia("(pointer: fine)").matches && document.activeElement === document.body) {
      newTaskRef.current?.focus();
    }
  }, []);

  // Back from signing in again: give back what was being typed when the session ended.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, with the first page's tasks
  useEffect(() => {
    const kept = takeDrafts<Drafts>();
    if (!kept) return;
    if (kept.newTask) setDraft(kept.newTask);
    const editing = kept.edit && tasks.find((t) => t.id === kept.edit?.id);
    if (editing && kept.edit) {
      setEditText(kept.edit);
      setActiveId(editing.id);
      setEditingId(editing.id);
    }
    const detailed = kept.details && tasks.find((t) => t.id === kept.details?.id);
    if (detailed && kept.details) setDetails({ task: detailed, draft: kept.details.draft });
  }, []);

  // The session ended (any request answered 401) and the page is leaving for sign-in: keep what
  // is being typed. Runs again if a refused change gives text back after the first run.
  const sessionEnded = useSessionEnded();
  useEffect(() => {
    if (!sessionEnded) return;
    const openEdit = document.querySelector<HTMLInputElement>("li.task input.edit");
    const drafts: Partial<Drafts> = {
      newTask: draft,
      edit: editingId !== null && openEdit ? { id: editingId, title: openEdit.value } : editText,
      details: details?.draft && { id: details.task.id, draft: details.draft },
    };
    keepDrafts(drafts);
  }, [sessionEnded, draft, editingId, editText, details]);

  // Focus moves after the list re-renders: to a row after an edit or delete, or to the new-task field.
  useEffect(() => {
    const target = focusAfterRender.current;
    if (target === null) return;
    focusAfterRender.current = null;
    if (target === "new") newTaskRef.current?.focus();
    else document.getElementById(`task-${target}`)?.focus();
  });

  const focusTask = useCallback((id: number | null) => {
    setActiveId(id);
    focusAfterRender.current = id ?? "new";
  }, []);

  const draftError = titleError(draft);
  const addTask = () => {
    const title = draft.trim();
    if (!title || draftError) return;
    setDraft("");
    const task = newTask(title);
    // Shown in place only where this view's loaded rows have room for it; otherwise pinned.
    const inPlace = placeInList(task, params, isPlaceholderData ? undefined : list.data) !== null;
    create({ task, pin: !inPlace });
    // Said to screen readers too; the trailing space alternates so that the same words twice
    // (two tasks of the same title) are still a change, and read again.
    const where = inPlace ? "" : ` It is shown under Just added: ${whyPinned(task, params)}`;
    setAnnouncement((last) => `Added “${title}”.${where}${last.endsWith(" ") ? "" : " "}`);
  };

  const deleteTask = useCallback(
    (task: Task) => {
      const index = rows.findIndex((t) => t.id === task.id);
      const neighbour = rows[index + 1] ?? rows[index - 1];
      remove([task], "Task deleted");
      focusTask(neighbour ? neighbour.id : null);
    },
    [rows, remove, focusTask],
  );

  const onFinishEdit = useCallback(
    (task: Task, value: string | null) => {
      setEditingId(null);
      setEditText(undefined);
      if (value === null) return focusTask(task.id); // Escape: nothing changes
      const title = value.trim();
      if (!title) return deleteTask(task); // TodoMVC: emptying a title deletes the task
      if (title !== task.title) {
        update(
          { task, changes: { title } },
          {
            // The session ended: the title typed is opened again after signing in.
            onError: (error) => {
              if (error instanceof ApiError && error.status === 401)
                setEditText({ id: task.id, title });
            },
          },
        );
      }
      focusTask(task.id);
    },
    [deleteTask, focusTask, update],
  );
  const onStartEdit = useCallback((task: Task) => {
    setActiveId(task.id);
    setEditingId(task.id);
  }, []);
  const onTag = useCallback((tag: string) => setUrl({ tag }), [setUrl]);
  const tagHref = useCallback(
    (tag: string) => `/tasks${listQueryString({ ...params, tag })}`,
    [params],
  );
  const onToggle = useCallback((task: Task) => toggle(task), [toggle]);
  const onFocusRow = useCallback((task: Task) => setActiveId(task.id), []);
  const onDetails = useCallback((task: Task) => setDetails({ task }), []);

  const saveDetails = (task: Task, changes: TaskChanges, draftValues: DetailsDraft) => {
    setDetails(undefined);
    focusTask(task.id);
    if (Object.keys(changes).length === 0) return;
    update(
      { task, changes },
      {
        // Refused: open the panel again with what was typed and the server's reasons.
        onError: (error) => {
          // 401: kept as it is, to open again after signing in.
          if (error instanceof ApiError && error.status === 401) {
            setDetails({ task, draft: draftValues });
          } else if (error instanceof ApiError && error.status === 422) {
            setDetails({
              task,
              draft: draftValues,
              errors: error.fieldErrors.map((e) => `${e.path}: ${e.message}`),
            });
          }
        },
      },
    );
  };

  // Keyboard shortcuts, everywhere on the page but in text fields and dialogs.
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement;
      if (target.closest(TEXT_ENTRY) || target.closest("[role=dialog]")) return;
      // j and k start from the row last focused; before there is one, they go to the first.
      const index = rows.findIndex((t) => t.id === activeId);
      const active = current;
      const move = (step: number) => {
        const next = rows[Math.min(rows.length - 1, Math.max(0, index + step))];
        if (next) focusTask(next.id);
      };
      const handlers: Record<string, () => void> = {
        n: () => newTaskRef.current?.focus(),
        "/": () => searchRef.current?.focus(),
        j: () => move(index < 0 ? 0 : 1),
        k: () => move(index < 0 ? 0 : -1),
        x: () => active && active.id > 0 && toggle(active),
        e: () => active && active.id > 0 && onStartEdit(active),
        o: () => active && active.id > 0 && setDetails({ task: active }),
        delete: () => active && active.id > 0 && deleteTask(active),
        "?": () => setShortcutsOpen(true),
      };
      const handler = handlers[event.key === "Delete" ? "delete" : event.key];
      if (handler) {
        event.preventDefault();
        handler();
      }
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [rows, current, activeId, toggle, deleteTask, onStartEdit, focusTask]);

  // More tasks load as the end of the list scrolls into view.
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: "400px" },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  // One row, the same under "Just added" and in the list.
  const row = (task: Task) => (
    <TaskItem
      key={task.id}
      task={task}
      active={task.id === current?.id}
      editing={editingId === task.id}
      editText={editText?.id === task.id ? editText.title : undefined}
      format={format}
      now={now}
      onFocus={onFocusRow}
      onToggle={onToggle}
      onStartEdit={onStartEdit}
      onFinishEdit={onFinishEdit}
      onDetails={onDetails}
      onDelete={deleteTask}
      tagHref={tagHref}
      onTag={onTag}
    />
  );

  return (
    <>
      <div className="new-task">
        {total > 0 && (
          <>
            {/* The label wraps the box: its padding is the finger-sized target on touch screens. */}
            <label className="check-target toggle-all">
              <input
                id="toggle-all"
                type="checkbox"
                className="check"
                checked={left === 0}
                onChange={() => toggleAll({ complete: left > 0, timeZone: format.timeZone })}
              />
              <span className="visually-hidden">
                {left > 0 ? "Mark all as complete" : "Mark all as active"}
              </span>
            </label>
          </>
        )}
        <label htmlFor="new-task" className="visually-hidden">
          New task
        </label>
        <input
          ref={newTaskRef}
          id="new-task"
          type="text"
          placeholder="What needs to be done?"
          autoComplete="off"
          // No maxLength: a longer paste would be cut without a word. It is kept, and refused
          // with the reason below until it is shortened.
          aria-invalid={draftError ? true : undefined}
          aria-describedby={draftError ? "new-task-error" : undefined}
          // A right-to-left title is typed right to left, as the list will show it.
          dir="auto"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.nativeEvent.isComposing) {
              event.preventDefault();
              addTask();
            }
          }}
        />
      </div>
      {draftError && (
        <p id="new-task-error" className="error new-task-error" role="alert">
          {draftError}
        </p>
      )}
      <p id="list-announcer" role="status" className="visually-hidden">
        {announcement}
      </p>

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
              {FILTER_LABEL[filter]}
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
            maxLength={200}
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

      {pinned.length > 0 && (
        <section className="just-added" aria-labelledby="just-added-heading">
          <div className="just-added-header">
            <h2 id="just-added-heading">Just added</h2>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                unpin();
                focusTask(null);
              }}
            >
              Hide<span className="visually-hidden"> the tasks just added</span>
            </button>
          </div>
          <ul className="list">{pinned.map(row)}</ul>
          <PinnedReasons
            tasks={pinned}
            params={params}
            onShowAll={() => setUrl({ filter: "all" })}
            onClearTag={() => setUrl({ tag: "" })}
            onClearSearch={() => setSearch("")}
          />
        </section>
      )}

      <section aria-label="Tasks" aria-busy={list.isFetching && !list.isFetchingNextPage}>
        {list.isError && !list.data ? (
          // Never the empty state: "All done!" beside "29 items left" would be a lie.
          <div className="empty card" role="alert">
            <strong>Couldn't load your tasks</strong>
            <span>{list.error.message}</span>
            <button type="button" className="btn btn-small" onClick={() => void list.refetch()}>
              Try again
            </button>
          </div>
        ) : tasks.length > 0 ? (
          <ul className="list">{tasks.map(row)}</ul>
        ) : (
          <EmptyState
            filter={params.filter}
            query={params.q}
            tag={params.tag}
            total={total}
            onClearSearch={() => setSearch("")}
          />
        )}
        <div ref={sentinel} className="more" hidden={!hasNextPage}>
          <button
            type="button"
            className="btn btn-small"
            disabled={isFetchingNextPage}
            onClick={() => void fetchNextPage()}
          >
            {isFetchingNextPage ? "Loading more…" : "Show more"}
          </button>
        </div>
      </section>

      {total > 0 && (
        <footer className="list-footer">
          <span aria-live="polite">
            <strong>{left}</strong> {left === 1 ? "item" : "items"} left
          </span>
          {completed > 0 && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => void removeCompleted(rows)}
            >
              Clear completed ({completed})
            </button>
          )}
        </footer>
      )}
      <p className="shortcut-hint">
        Press <kbd>?</kbd> for keyboard shortcuts
      </p>

      {details && (
        <TaskDetails
          key={`${details.task.id}-${details.task.version}`}
          task={details.task}
          draft={details.draft}
          serverErrors={details.errors}
          onSave={saveDetails}
          onClose={() => {
            const id = details.task.id;
            setDetails(undefined);
            focusTask(id);
          }}
        />
      )}
      {shortcutsOpen && <ShortcutsDialog open onOpenChange={setShortcutsOpen} />}
    </>
  );
}

/** Why a new task is pinned rather than in the list below, in a sentence. */
function whyPinned(task: Task, params: ListParams): string {
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

/** Under the pinned tasks: why they are there, each reason once, with the way to the list. */
function PinnedReasons({
  tasks,
  params,
  onShowAll,
  onClearTag,
  onClearSearch,
}: {
  tasks: Task[];
  params: ListParams;
  onShowAll: () => void;
  onClearTag: () => void;
  onClearSearch: () => void;
}) {
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

function EmptyState({
  filter,
  query,
  tag,
  total,
  onClearSearch,
}: {
  filter: Filter;
  query: string;
  tag: string;
  total: number;
  onClearSearch: () => void;
}) {
  let title: React.ReactNode;
  let hint: React.ReactNode;
  if (query) {
    // <bdi>: a right-to-left search (or one holding a bidi override) cannot move the quotes.
    title = (
      <>
        No tasks match “<bdi>{query}</bdi>”
      </>
    );
    hint = (
      <button type="button" className="btn btn-small" onClick={onClearSearch}>
        Clear search
      </button>
    );
  } else if (tag) {
    title = (
      <>
        No {filter === "all" ? "" : `${FILTER_LABEL[filter].toLowerCase()} `}tasks tagged #
        <bdi>{tag}</bdi>
      </>
    );
    hint = "Remove the tag filter above to see the others.";
  } else if (total === 0) {
    title = "Nothing to do yet";
    hint = "Type a task in the field above and press Enter.";
  } else if (filter === "active") {
    title = "All done!";
    hint = "Nothing left to do. Enjoy the quiet.";
  } else {
    title = "No completed tasks yet";
    hint = "Tick a task's checkbox when you finish it.";
  }
  return (
    <div className="empty card" role="status">
      <strong>{title}</strong>
      {hint}
    </div>
  );
}
