"use client";
import { type RefObject, useCallback, useEffect, useRef, useState } from "react";

/**
 * The row last focused (the one the shortcuts act on), and focus moved once the list has
 * re-rendered: to a row after an edit or a delete, or to the new-task field when no row is left.
 */
export function useRowFocus(newTaskRef: RefObject<HTMLInputElement | null>) {
  const [activeId, setActiveId] = useState<number | null>(null);
  const focusAfterRender = useRef<number | "new" | null>(null);

  useEffect(() => {
    const target = focusAfterRender.current;
    if (target === null) return;
    focusAfterRender.current = null;
    if (target === "new") newTaskRef.current?.focus();
    else document.getElementById(`task-${target}`)?.focus();
  });

  /** Focuses a row (null: the new-task field) after the next render. */
  const focusTask = useCallback((id: number | null) => {
    setActiveId(id);
    focusAfterRender.current = id ?? "new";
  }, []);

  return { activeId, setActiveId, focusTask };
}
