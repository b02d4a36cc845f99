"use client";
import { memo, useRef } from "react";
import type { Task } from "@/lib/api";
import { type DateFormat, formatDue, formatFull, isOverdue } from "@/lib/dates";

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
  const cancelled = useRef(false);
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
      onFocus={(event) => {
        if (!active) onFocus(task);
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
        {editing && (
          <input
            className="edit"
            aria-label="Edit task title"
            dir="auto"
            defaultValue={editText ?? task.title}
            maxLength={200}
            // biome-ignore lint/a11y/noAutofocus: editing starts on purpose, by double-click or Enter
            autoFocus
            onFocus={(event) => event.currentTarget.select()}
            onKeyDown={(event) => {
              if (event.key === "Enter") {
                event.preventDefault();
                event.currentTarget.blur();
              } else if (event.key === "Escape") {
                event.preventDefault();
                cancelled.current = true;
                onFinishEdit(task, null);
              }
            }}
            onBlur={(event) => {
              if (cancelled.current) {
                cancelled.current = false;
                return;
              }
              onFinishEdit(task, event.currentTarget.value);
            }}
          />
        )}
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
        <div className="task-meta" id={`task-${task.id}-meta`}>
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
