"use client";
import { memo, useRef, useState } from "react";
import type { Task } from "@/lib/api";
import { type DateFormat, formatDue, formatFull, isOverdue } from "@/lib/dates";
import { textDirection, titleError } from "@/lib/task-fields";

interface Props {
  task: Task;
  active: boolean;
  editing: boolean;
  /** The text to open the edit with, when not the title (typed before the session ended). */
  editText?: string | undefined;
  format: DateFormat;
  now: Date;
  onFocus: (task: Task) => void;
  onToggle: (task: Task) => void;
  onStartEdit: (task: Task) => void;
  onFinishEdit: (task: Task, title: string | null) => void;
  onDetails: (task: Task) => void;
  onDelete: (task: Task) => void;
  /** The list's address filtered by a tag, and following it in place. */
  tagHref: (tag: string) => string;
  onTag: (tag: string) => void;
}

/** A row's icon button: named by its label, described by the task's title ("Delete, Buy milk"). */
function ActionButton({
  label,
  describedBy,
  disabled,
  icon,
  onClick,
}: {
  label: string;
  describedBy: string;
  disabled: boolean;
  icon: string;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      className="icon-btn"
      aria-label={label}
      aria-describedby={describedBy}
      disabled={disabled}
      onClick={onClick}
    >
      <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
        <path d={icon} stroke="currentColor" strokeWidth="2" fill="none" strokeLinejoin="round" />
      </svg>
    </button>
  );
}

/**
 * The in-place title editor. It is mounted for one edit and unmounted after it, so nothing one
 * edit decided (Escape's "cancelled") can carry over into the next. A title over the limit is
 * kept as typed, with the reason, until it is shortened or the edit is cancelled.
 */
function TitleEditor({
  task,
  initial,
  onFinish,
}: {
  task: Task;
  /** The text to start from, when not the title (typed before the session ended). */
  initial?: string | undefined;
  onFinish: (task: Task, title: string | null) => void;
}) {
  const [value, setValue] = useState(initial ?? task.title);
  // The first of Enter, Escape or leaving the field ends the edit; whatever follows is ignored.
  const finished = useRef(false);
  const error = titleError(value);
  const errorId = `task-${task.id}-edit-error`;
  const finish = (title: string | null) => {
    if (finished.current) return;
    finished.current = true;
    onFinish(task, title);
  };
  return (
    <>
      <input
        className="edit"
        aria-label="Edit task title"
        dir="auto"
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        // biome-ignore lint/a11y/noAutofocus: editing starts on purpose, by double-click or Enter
        autoFocus
        onFocus={(event) => event.currentTarget.select()}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.nativeEvent.isComposing) {
            event.preventDefault();
            if (!error) finish(value);
          } else if (event.key === "Escape") {
            event.preventDefault();
            finish(null);
          }
        }}
        onBlur={() => {
          if (!error) finish(value);
        }}
      />
      {error && (
        <span id={errorId} className="error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

const PRIORITY_LABEL = { none: "", low: "Low", medium: "Medium", high: "High" } as const;

export const TaskItem = memo(function TaskItem({
  task,
  active,
  editing,
  editText,
  format,
  now,
  onFocus,
  onToggle,
  onStartEdit,
  onFinishEdit,
  onDetails,
  onDelete,
  tagHref,
  onTag,
}: Props) {
  const titleId = `task-${task.id}-title`;
  const saving = task.id < 0; // created here, not yet confirmed by the server
  const overdue = isOverdue(task, now);

  return (
    <li
      id={`task-${task.id}`}
      className="task"
      data-completed={task.is_completed}
      data-active={active}
      // One row is in the Tab order at a time (the active one); j/k move between rows.
      tabIndex={active ? 0 : -1}
      aria-labelledby={titleId}
      aria-describedby={`task-${task.id}-meta`}
      // Always reported, also for the row highlighted by default: focusing it (by click or Tab)
      // makes it the one the shortcuts act on.
      onFocus={(event) => {
        onFocus(task);
        event.stopPropagation();
      }}
      onKeyDown={(event) => {
        if (event.target === event.currentTarget && event.key === "Enter" && !editing) {
          event.preventDefault();
          onStartEdit(task);
        }
      }}
    >
      {/* The label's padding makes the finger-sized target on touch screens (globals.css). */}
      <label className="check-target">
        <input
          type="checkbox"
          className="check"
          checked={task.is_completed}
          disabled={saving}
          aria-labelledby={titleId}
          onChange={() => onToggle(task)}
        />
      </label>
      <div className="task-body">
        {editing && <TitleEditor task={task} initial={editText} onFinish={onFinishEdit} />}
        {/* Kept while editing (hidden) because the checkbox and the row are labelled by it.
            dir="auto": a right-to-left title reads right to left, and its bidi controls (an
            override, say) end with it instead of turning the text around it. */}
        {/* biome-ignore lint/a11y/noStaticElementInteractions: double-click is TodoMVC's shortcut; Enter and the e key do the same */}
        <span
          id={titleId}
          dir="auto"
          className={editing ? "visually-hidden" : "task-title"}
          onDoubleClick={() => !saving && onStartEdit(task)}
        >
          {task.title}
        </span>
        {/* The detail line follows the title's direction (it holds none of the title's text, so
            dir="auto" would read its own "Due …" instead). */}
        <div className="task-meta" id={`task-${task.id}-meta`} dir={textDirection(task.title)}>
          {task.priority !== "none" && (
            <span className={`priority-${task.priority}`}>
              {PRIORITY_LABEL[task.priority]} priority
            </span>
          )}
          {task.due_at && (
            <span className={overdue ? "overdue" : undefined}>
              {overdue ? "Overdue · " : "Due "}
              <time
                dateTime={task.due_at}
                title={formatFull(task.due_at, format)}
                suppressHydrationWarning
              >
                {formatDue(task.due_at, format, now)}
              </time>
            </span>
          )}
          {task.tags.map((tag) => (
            // A link, not a button: it is an address (?tag=), so it opens in a new tab too.
            <a
              key={tag}
              className="tag"
              href={tagHref(tag)}
              onClick={(event) => {
                if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
                event.preventDefault();
                onTag(tag);
              }}
            >
              #<bdi>{tag}</bdi>
            </a>
          ))}
        </div>
      </div>
      <div className="task-actions">
        <ActionButton
          label="Details"
          describedBy={titleId}
          disabled={saving}
          icon="M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4"
          onClick={() => onDetails(task)}
        />
        <ActionButton
          label="Delete"
          describedBy={titleId}
          disabled={saving}
          icon="M5 7h14M10 7V4h4v3M7 7l1 13h8l1-13"
          onClick={() => onDelete(task)}
        />
      </div>
    </li>
  );
});
