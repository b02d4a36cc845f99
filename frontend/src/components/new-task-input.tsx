"use client";
import { type RefObject, useEffect, useState } from "react";
import type { TaskPage } from "@/lib/api";
import { newTask } from "@/lib/task-cache";
import { titleError } from "@/lib/task-fields";
import { placeInList } from "@/lib/task-view";
import type { ListParams } from "@/lib/tasks-query";
import type { TaskActions } from "@/lib/use-tasks";
import { whyPinned } from "./just-added";

/**
 * Adds a task typed in the field: in its place in the list when the loaded rows have room for it,
 * else pinned under "Just added". `announcement` says which, and why, to screen readers.
 */
export function useAddTask(
  params: ListParams,
  list: { data: { pages: TaskPage[] } | undefined; isPlaceholderData: boolean },
  create: TaskActions["create"],
) {
  const [announcement, setAnnouncement] = useState("");
  const add = (title: string) => {
    const task = newTask(title);
    const inPlace =
      placeInList(task, params, list.isPlaceholderData ? undefined : list.data) !== null;
    create({ task, pin: !inPlace });
    // The trailing space alternates so that the same words twice (two tasks of the same title)
    // are still a change, and read again.
    const where = inPlace ? "" : ` It is shown under Just added: ${whyPinned(task, params)}`;
    setAnnouncement((last) => `Added “${title}”.${where}${last.endsWith(" ") ? "" : " "}`);
  };
  return { add, announcement };
}

/** The new-task field, with the box that completes (or reopens) every task beside it. */
export function NewTaskInput({
  inputRef,
  draft,
  setDraft,
  onAdd,
  announcement,
  left,
  total,
  onToggleAll,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  draft: string;
  setDraft: (text: string) => void;
  onAdd: (title: string) => void;
  announcement: string;
  /** Tasks not completed, and all tasks. */
  left: number;
  total: number;
  onToggleAll: (complete: boolean) => void;
}) {
  // TodoMVC has the new-task field ready on load, but on a touch screen focus opens the keyboard
  // over half the list: there, the field waits for a tap. Nor is focus taken from where the user
  // already put it.
  useEffect(() => {
    if (window.matchMedia("(pointer: fine)").matches && document.activeElement === document.body) {
      inputRef.current?.focus();
    }
  }, [inputRef]);

  const draftError = titleError(draft);
  const addTask = () => {
    const title = draft.trim();
    if (!title || draftError) return;
    setDraft("");
    onAdd(title);
  };

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
                onChange={() => onToggleAll(left > 0)}
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
          ref={inputRef}
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
    </>
  );
}
