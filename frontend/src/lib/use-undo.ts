"use client";
// Undo and redo on the page: Ctrl+Z / Ctrl+Shift+Z (components/use-list-shortcuts.ts) and the Undo
// button of a change's toast, through the server (lib/undo.ts). The server's reversal is shown at
// once, then the lists are fetched again for where its tasks go.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { toast } from "sonner";
import { toastError } from "@/components/retry-countdown";
import { editCache } from "./edit-cache";
import { applyRemoteChange } from "./task-cache";
import { taskKeys } from "./tasks-query";
import { type Reversal, recordChange, redoLast, undoLast, undoRequest } from "./undo";

/** How long a change's toast offers Undo. */
export const UNDO_MS = 5000;

export function useUndo() {
  const qc = useQueryClient();

  const run = useCallback(
    async (reverse: () => Promise<Reversal | null>, done: "Undone" | "Redone") => {
      try {
        const reversal = await reverse();
        if (!reversal) {
          toast(done === "Undone" ? "Nothing to undo" : "Nothing to redo");
          return;
        }
        editCache(qc, (cache) => applyRemoteChange(cache, reversal.change));
        void qc.invalidateQueries({ queryKey: taskKeys.all });
        toast(`${done}: ${reversal.label}`);
      } catch (error) {
        toastError(done === "Undone" ? "Couldn't undo" : "Couldn't redo", error);
      }
    },
    [qc],
  );

  const undo = useCallback(() => run(undoLast, "Undone"), [run]);
  const redo = useCallback(() => run(redoLast, "Redone"), [run]);

  /** A change saved: it joins the undo history, and with `message`, a toast offers Undo. */
  const offerUndo = useCallback(
    (requestId: string, label: string, message?: string) => {
      recordChange(requestId, label);
      if (!message) return;
      toast(message, {
        id: `undo-${requestId}`,
        duration: UNDO_MS,
        action: { label: "Undo", onClick: () => void run(() => undoRequest(requestId), "Undone") },
      });
    },
    [run],
  );

  return { undo, redo, offerUndo };
}
