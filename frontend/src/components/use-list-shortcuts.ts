"use client";
import { type RefObject, useEffect, useRef } from "react";
import type { Task } from "@/lib/api";

const TEXT_ENTRY = "input:not([type=checkbox]), textarea, select, [contenteditable=true]";

interface ShortcutTargets {
  /** Every row on screen, in order, and the one last focused. */
  rows: Task[];
  activeId: number | null;
  newTaskRef: RefObject<HTMLInputElement | null>;
  searchRef: RefObject<HTMLInputElement | null>;
  focusTask: (id: number) => void;
  toggle: (task: Task) => void;
  startEdit: (task: Task) => void;
  openDetails: (task: Task) => void;
  deleteTask: (task: Task) => void;
  undo: () => void;
  redo: () => void;
  showShortcuts: () => void;
}

/**
 * The list's keyboard shortcuts (listed by components/shortcuts-dialog.tsx), everywhere on the
 * page but in text fields and dialogs. They act on the row last focused, else the first.
 */
export function useListShortcuts(targets: ShortcutTargets) {
  // The latest rows and callbacks, without listening anew on every render.
  const latest = useRef(targets);
  latest.current = targets;

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.altKey) return;
      const target = event.target as HTMLElement;
      // In a text field, Ctrl+Z undoes typing, as everywhere.
      if (target.closest(TEXT_ENTRY) || target.closest("[role=dialog]")) return;
      const { rows, activeId, ...act } = latest.current;
      if (event.ctrlKey || event.metaKey) {
        const key = event.key.toLowerCase();
        // Ctrl+Z undoes the last change made here; Ctrl+Shift+Z (or Ctrl+Y) redoes (Cmd on a Mac).
        const reverse =
          key === "z" ? (event.shiftKey ? act.redo : act.undo) : key === "y" ? act.redo : null;
        if (reverse) {
          event.preventDefault();
          reverse();
        }
        return;
      }
      // j and k start from the row last focused; before there is one, they go to the first.
      const index = rows.findIndex((t) => t.id === activeId);
      const active = rows[index] ?? rows[0];
      const move = (step: number) => {
        const next = rows[Math.min(rows.length - 1, Math.max(0, index + step))];
        if (next) act.focusTask(next.id);
      };
      // A task not saved yet (negative id) cannot be changed.
      const saved = active && active.id > 0 ? active : undefined;
      const handlers: Record<string, () => void> = {
        n: () => act.newTaskRef.current?.focus(),
        "/": () => act.searchRef.current?.focus(),
        j: () => move(index < 0 ? 0 : 1),
        k: () => move(index < 0 ? 0 : -1),
        x: () => saved && act.toggle(saved),
        e: () => saved && act.startEdit(saved),
        o: () => saved && act.openDetails(saved),
        delete: () => saved && act.deleteTask(saved),
        "?": () => act.showShortcuts(),
      };
      const handler = handlers[event.key === "Delete" ? "delete" : event.key];
      if (handler) {
        event.preventDefault();
        handler();
      }
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);
}
