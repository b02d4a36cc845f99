"use client";
import { useState } from "react";
import { ApiError, type Task, type TaskChanges } from "@/lib/api";
import type { TaskActions } from "@/lib/use-tasks";
import { TaskDetails } from "./lazy-dialogs";
import type { DetailsDraft } from "./task-details";

export interface OpenDetails {
  task: Task;
  /** What was typed, when the panel opens again after the server refused it. */
  draft?: DetailsDraft | undefined;
  /** The server's reasons for refusing it. */
  errors?: string[];
}

/**
 * The task details panel: which task it shows, saving from it, and opening it again with what was
 * typed when the server refuses the change. `dialog` is the panel to render (nothing when closed).
 */
export function useDetailsDialog(
  update: TaskActions["update"],
  focusTask: (id: number | null) => void,
) {
  const [details, setDetails] = useState<OpenDetails>();

  const save = (task: Task, changes: TaskChanges, draft: DetailsDraft) => {
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
            setDetails({ task, draft });
          } else if (error instanceof ApiError && error.status === 422) {
            setDetails({
              task,
              draft,
              errors: error.fieldErrors.map((e) => `${e.path}: ${e.message}`),
            });
          }
        },
      },
    );
  };

  const dialog = details && (
    <TaskDetails
      key={`${details.task.id}-${details.task.version}`}
      task={details.task}
      draft={details.draft}
      serverErrors={details.errors}
      onSave={save}
      onClose={() => {
        const id = details.task.id;
        setDetails(undefined);
        focusTask(id);
      }}
    />
  );
  return { details, open: setDetails, dialog };
}
