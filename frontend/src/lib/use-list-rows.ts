"use client";
import { useEffect, useMemo } from "react";
import type { TaskPage } from "./api";
import { useJustAdded } from "./use-tasks";

/**
 * The rows on screen: the loaded list, and above it, under "Just added", the new tasks the loaded
 * rows do not show (yet), so that none ever vanishes.
 */
export function useListRows(list: {
  data: { pages: TaskPage[] } | undefined;
  isPlaceholderData: boolean;
}) {
  const { added, unpin } = useJustAdded();
  const tasks = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const pinned = useMemo(() => {
    const shown = new Set(tasks.map((t) => t.id));
    return added.filter((t) => !shown.has(t.id));
  }, [added, tasks]);
  // Every row on screen, in order: what the shortcuts move through and act on.
  const rows = useMemo(() => [...pinned, ...tasks], [pinned, tasks]);

  // A pinned task that the list now shows in its place (more rows loaded, another view) is
  // unpinned. Not while the previous view's rows stand in for a view still loading.
  const { isPlaceholderData } = list;
  useEffect(() => {
    if (isPlaceholderData) return;
    const shown = new Set(tasks.map((t) => t.id));
    const placed = new Set(added.filter((t) => shown.has(t.id)).map((t) => t.id));
    if (placed.size > 0) unpin(placed);
  }, [added, tasks, isPlaceholderData, unpin]);

  return { tasks, pinned, rows, unpin };
}
