"use client";
import dynamic from "next/dynamic";
import { useEffect } from "react";

// The dialogs (and their UI library) are fetched when the browser is idle after the first paint,
// not as part of it: the list is what the first load is for.
const loadDetails = () => import("./task-details").then((m) => m.TaskDetails);
const loadShortcuts = () => import("./shortcuts-dialog").then((m) => m.ShortcutsDialog);
export const TaskDetails = dynamic(loadDetails, { ssr: false });
export const ShortcutsDialog = dynamic(loadShortcuts, { ssr: false });

export function usePrefetchDialogs() {
  useEffect(() => {
    const idle = window.requestIdleCallback ?? ((run: () => void) => window.setTimeout(run, 200));
    idle(() => void Promise.all([loadDetails(), loadShortcuts()]));
  }, []);
}
