"use client";
// The task list screen: the parts below, wired to the list's data (lib/use-tasks.ts) and its URL
// (lib/use-list-params.tsx). Each part lives in its own file; this one decides what goes where.
import { useCallback, useRef, useState } from "react";
import type { Task, TaskPage, TaskStats } from "@/lib/api";
import type { DateFormat } from "@/lib/dates";
import { listQueryString } from "@/lib/list-url";
import type { ListParams } from "@/lib/tasks-query";
import { useDateFormat } from "@/lib/use-date-format";
import { useListParams } from "@/lib/use-list-params";
import { useListRows } from "@/lib/use-list-rows";
import { useLiveUpdates } from "@/lib/use-live-updates";
import { useMinute } from "@/lib/use-minute";
import { useTaskActions, useTaskList, useTaskStats } from "@/lib/use-tasks";
import { useUndo } from "@/lib/use-undo";
import { EmptyState, LoadFailed } from "./empty-state";
import { JustAdded } from "./just-added";
import { ShortcutsDialog, usePrefetchDialogs } from "./lazy-dialogs";
import { ListFooter } from "./list-footer";
import { ListToolbar, useSearchText } from "./list-toolbar";
import { LoadMore } from "./load-more";
import { NewTaskInput, useAddTask } from "./new-task-input";
import { useDetailsDialog } from "./task-details-dialog";
import { TaskItem } from "./task-item";
import { useKeptDrafts } from "./use-kept-drafts";
import { useListShortcuts } from "./use-list-shortcuts";
import { useRowFocus } from "./use-row-focus";
import { useTitleEdit } from "./use-title-edit";

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

  const list = useTaskList(params, format.timeZone, { params: initialParams, page: initialPage });
  useLiveUpdates();
  const stats = useTaskStats(initialStats).data;

  const newTaskRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState("");
  const [search, setSearch] = useSearchText(params.q, setUrl);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const { activeId, setActiveId, focusTask } = useRowFocus(newTaskRef);
  usePrefetchDialogs();

  const { create, update, toggle, toggleAll, remove, removeCompleted } = useTaskActions((title) => {
    // The server refused a new task: give the text back rather than lose it.
    setDraft((current) => current || title);
  });
  const { undo, redo } = useUndo();
  const { tasks, pinned, rows, unpin } = useListRows(list);
  // The row the shortcuts act on: the one last focused, else the first (highlighted as such).
  const current = rows.find((t) => t.id === activeId) ?? rows[0];
  const { pending: left, completed } = stats;
  const total = left + completed;
  const { add, announcement } = useAddTask(params, list, create);
  const details = useDetailsDialog(update, focusTask);

  const deleteTask = useCallback(
    (task: Task) => {
      const index = rows.findIndex((t) => t.id === task.id);
      const neighbour = rows[index + 1] ?? rows[index - 1];
      remove(task);
      focusTask(neighbour ? neighbour.id : null);
    },
    [rows, remove, focusTask],
  );
  const clearCompleted = useCallback(() => removeCompleted(undefined), [removeCompleted]);
  const edit = useTitleEdit({ update, deleteTask, focusTask, setActiveId });

  useKeptDrafts(
    {
      newTask: draft,
      editingId: edit.editingId,
      editText: edit.editText,
      details: details.details,
    },
    tasks,
    { newTask: setDraft, edit: edit.resumeEdit, details: details.open },
  );
  useListShortcuts({
    rows,
    activeId,
    newTaskRef,
    searchRef,
    focusTask,
    toggle,
    startEdit: edit.startEdit,
    openDetails: (task) => details.open({ task }),
    deleteTask,
    undo,
    redo,
    showShortcuts: () => setShortcutsOpen(true),
  });

  const onTag = useCallback((tag: string) => setUrl({ tag }), [setUrl]);
  const tagHref = useCallback(
    (tag: string) => `/tasks${listQueryString({ ...params, tag })}`,
    [params],
  );
  const onFocusRow = useCallback((task: Task) => setActiveId(task.id), [setActiveId]);
  const { open: openDetails } = details;
  const onDetails = useCallback((task: Task) => openDetails({ task }), [openDetails]);
  const clearSearch = () => setSearch("");

  // One row, the same under "Just added" and in the list.
  const row = (task: Task) => (
    <TaskItem
      key={task.id}
      task={task}
      active={task.id === current?.id}
      editing={edit.editingId === task.id}
      editText={edit.editText?.id === task.id ? edit.editText.title : undefined}
      format={format}
      now={now}
      onFocus={onFocusRow}
      onToggle={toggle}
      onStartEdit={edit.startEdit}
      onFinishEdit={edit.finishEdit}
      onDetails={onDetails}
      onDelete={deleteTask}
      tagHref={tagHref}
      onTag={onTag}
    />
  );

  return (
    <>
      <NewTaskInput
        inputRef={newTaskRef}
        draft={draft}
        setDraft={setDraft}
        onAdd={add}
        announcement={announcement}
        left={left}
        total={total}
        onToggleAll={toggleAll}
      />
      <ListToolbar
        params={params}
        setUrl={setUrl}
        search={search}
        setSearch={setSearch}
        searchRef={searchRef}
      />
      <JustAdded
        tasks={pinned}
        params={params}
        row={row}
        onHide={() => {
          unpin();
          focusTask(null);
        }}
        onShowAll={() => setUrl({ filter: "all" })}
        onClearTag={() => setUrl({ tag: "" })}
        onClearSearch={clearSearch}
      />
      <section aria-label="Tasks" aria-busy={list.isFetching && !list.isFetchingNextPage}>
        {list.isError && !list.data ? (
          <LoadFailed message={list.error.message} onRetry={() => void list.refetch()} />
        ) : tasks.length > 0 ? (
          <ul className="list">{tasks.map(row)}</ul>
        ) : (
          <EmptyState
            filter={params.filter}
            query={params.q}
            tag={params.tag}
            total={total}
            onClearSearch={clearSearch}
          />
        )}
        <LoadMore
          hasNextPage={list.hasNextPage}
          isFetchingNextPage={list.isFetchingNextPage}
          fetchNextPage={list.fetchNextPage}
        />
      </section>
      <ListFooter
        left={left}
        completed={completed}
        total={total}
        onClearCompleted={clearCompleted}
      />
      {details.dialog}
      {shortcutsOpen && <ShortcutsDialog open onOpenChange={setShortcutsOpen} />}
    </>
  );
}
