"use client";
import { useEffect } from "react";
import type { Task } from "@/lib/api";
import { keepDrafts, takeDrafts } from "@/lib/session";
import { useSessionEnded } from "@/lib/use-session-ended";
import type { DetailsDraft } from "./task-details";
import type { OpenDetails } from "./task-details-dialog";
import type { TitleDraft } from "./use-title-edit";

/** What was being typed when the session ended, given back after signing in (lib/session.ts). */
interface Drafts {
  newTask: string;
  edit: TitleDraft;
  details: { id: number; draft: DetailsDraft };
}

interface Typing {
  newTask: string;
  editingId: number | null;
  /** A refused edit's title, to open it with again. */
  editText: TitleDraft | undefined;
  details: OpenDetails | undefined;
}

interface Restore {
  newTask: (text: string) => void;
  edit: (kept: TitleDraft) => void;
  details: (open: OpenDetails) => void;
}

/**
 * Keeps what is being typed when the session ends (any request answered 401, the page leaving for
 * sign-in), and gives it back once, on the first render after signing in again, for the tasks of
 * the first page.
 */
export function useKeptDrafts(typing: Typing, tasks: Task[], restore: Restore) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, with the first page's tasks
  useEffect(() => {
    const kept = takeDrafts<Drafts>();
    if (!kept) return;
    if (kept.newTask) restore.newTask(kept.newTask);
    const editing = kept.edit && tasks.find((t) => t.id === kept.edit?.id);
    if (editing && kept.edit) restore.edit(kept.edit);
    const detailed = kept.details && tasks.find((t) => t.id === kept.details?.id);
    if (detailed && kept.details) restore.details({ task: detailed, draft: kept.details.draft });
  }, []);

  // Runs again if a refused change gives text back after the first run.
  const sessionEnded = useSessionEnded();
  const { newTask, editingId, editText, details } = typing;
  useEffect(() => {
    if (!sessionEnded) return;
    const openEdit = document.querySelector<HTMLInputElement>("li.task input.edit");
    const drafts: Partial<Drafts> = {
      newTask,
      edit: editingId !== null && openEdit ? { id: editingId, title: openEdit.value } : editText,
      details: details?.draft && { id: details.task.id, draft: details.draft },
    };
    keepDrafts(drafts);
  }, [sessionEnded, newTask, editingId, editText, details]);
}
