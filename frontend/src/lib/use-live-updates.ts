"use client";
// Changes made elsewhere (another tab, another device, the API) reach this page's lists through
// the browser's one event stream (lib/change-stream.ts), within a second and without a reload.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";
import { type StreamStatus, startChangeStream } from "./change-stream";
import { editCache } from "./edit-cache";
import { isOwnRequest, noteOwnChange } from "./own-changes";
import { applyRemoteChange } from "./task-cache";
import { taskKeys } from "./tasks-query";

// ---- The stream's status, for the status line (components/app-status.tsx) ----
let status: StreamStatus | "off" = "off";
const listeners = new Set<() => void>();
function setStatus(next: typeof status) {
  status = next;
  for (const listener of listeners) listener();
}

/** "off" on pages without the stream (signed out); else whether changes from elsewhere arrive. */
export const useStreamStatus = () =>
  useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => status,
    () => "off" as const,
  );

/** Keeps this page's task data up to date with changes made elsewhere, while it is mounted. */
export function useLiveUpdates() {
  const qc = useQueryClient();
  useEffect(() => {
    const refetch = () => {
      // A change of this tab still in flight refetches when it settles; a refetch now could
      // bring back the list as it was before it, over its optimistic state.
      if (qc.isMutating({ mutationKey: ["tasks"] }) === 0) {
        void qc.invalidateQueries({ queryKey: taskKeys.all });
      }
    };
    const stop = startChangeStream((message) => {
      if (message.type === "status") return setStatus(message.status);
      if (message.type === "reload") return refetch();
      const { change } = message;
      noteOwnChange(change.request_id, change.id);
      // This tab made it, and shows it already.
      if (isOwnRequest(change.request_id)) return;
      editCache(qc, (cache) => applyRemoteChange(cache, change));
      refetch();
    });
    return () => {
      stop();
      setStatus("off");
    };
  }, [qc]);
}
