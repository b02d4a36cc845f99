"use client";
import { useCallback, useState } from "react";
import { ApiError, type Task } from "@/lib/api";
import type { TaskActions } from "@/lib/use-tasks";

export interface TitleDraft {
  id: number;
  title: string;
}

/** A row's title edited in place: which row is open, and what its end (Enter, Escape, blur) does. */
export function useTitleEdit({
  update,
  deleteTask,
  focusTask,
  setActiveId,
}: {
  update: TaskActions["update"];
  deleteTask: (task: Task) => void;
  focusTask: (id: number | null) => void;
  setActiveId: (id: number) => void;
}) {
  const [editingId, setEditingId] = useState<number | null>(null);
  // A title typed into an edit that could not be saved, to open the edit with again.
  const [editText, setEditText] = useState<TitleDraft>();

  const startEdit = useCallback(
    (task: Task) => {
      setActiveId(task.id);
      setEditingId(task.id);
    },
    [setActiveId],
  );

  /** Opens an edit again with the title typed before the session ended. */
  const resumeEdit = useCallback(
    (kept: TitleDraft) => {
      setEditText(kept);
      setActiveId(kept.id);
      setEditingId(kept.id);
    },
    [setActiveId],
  );

  const finishEdit = useCallback(
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

  return { editingId, editText, startEdit, resumeEdit, finishEdit };
}
