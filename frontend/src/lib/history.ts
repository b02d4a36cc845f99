// A task's history (GET /api/me/tasks/{id}/history) in words: what each change did to it.
import type { Change, Task } from "./api";

const PRIORITY = { none: "none", low: "low", medium: "medium", high: "high" } as const;

/** What one change did to the task it is narrowed to, as short phrases ("Renamed to “x”"). */
export function describeChange(change: Change): string[] {
  const before = change.before?.[0];
  const after = change.after?.[0];
  const undo = change.undoes !== null;
  if (!before && after) return [undo ? "Restored" : "Created"];
  if (before && !after) return [undo ? "Undone: created" : "Deleted"];
  if (!before || !after) return [];
  const phrases = describeEdit(before, after);
  return undo ? [`Undone (${phrases.join(", ").toLowerCase() || "no change"})`] : phrases;
}

function describeEdit(before: Task, after: Task): string[] {
  const phrases: string[] = [];
  if (before.is_completed !== after.is_completed) {
    phrases.push(after.is_completed ? "Completed" : "Reopened");
  }
  if (before.title !== after.title) phrases.push(`Renamed to “${after.title}”`);
  if (before.description !== after.description) {
    phrases.push(after.description ? "Notes changed" : "Notes removed");
  }
  if (before.priority !== after.priority) {
    phrases.push(`Priority ${PRIORITY[before.priority]} → ${PRIORITY[after.priority]}`);
  }
  if (before.due_at !== after.due_at) {
    phrases.push(
      after.due_at ? (before.due_at ? "Due date moved" : "Due date set") : "Due date removed",
    );
  }
  if (before.tags.join("\u0000") !== after.tags.join("\u0000")) {
    phrases.push(after.tags.length ? `Tags: ${after.tags.join(", ")}` : "Tags removed");
  }
  if (phrases.length === 0 && before.position !== after.position) phrases.push("Moved");
  return phrases;
}
