import { describe, expect, it } from "vitest";
import type { Change, Task } from "./api";
import { describeChange } from "./history";
import { savedTask } from "./task-fixtures";

const AT = "2026-05-01T12:00:00.000Z";
const milk = savedTask(1, { title: "Buy milk" });

const change = (before: Task | null, after: Task | null, undoes: number | null = null): Change => ({
  id: 9,
  kind: before && after ? "update" : after ? "create" : "delete",
  task_ids: [1],
  before: before && [before],
  after: after && [after],
  actor_id: null,
  request_id: null,
  undoes,
  created_at: AT,
});

describe("a task's history in words", () => {
  it("says created, deleted and restored", () => {
    expect(describeChange(change(null, milk))).toEqual(["Created"]);
    expect(describeChange(change(milk, null))).toEqual(["Deleted"]);
    expect(describeChange(change(null, milk, 4))).toEqual(["Restored"]);
  });

  it("names each field an edit changed", () => {
    const edited = {
      ...milk,
      title: "Buy oat milk",
      is_completed: true,
      completed_at: AT,
      priority: "high" as const,
      due_at: AT,
      tags: ["home"],
      description: "oat",
    };
    expect(describeChange(change(milk, edited))).toEqual([
      "Completed",
      "Renamed to “Buy oat milk”",
      "Notes changed",
      "Priority none → high",
      "Due date set",
      "Tags: home",
    ]);
    expect(describeChange(change(edited, milk))).toEqual([
      "Reopened",
      "Renamed to “Buy milk”",
      "Notes removed",
      "Priority high → none",
      "Due date removed",
      "Tags removed",
    ]);
  });

  it("says when a change was an undo, and a move when only the order changed", () => {
    expect(describeChange(change(milk, { ...milk, title: "x" }, 3))).toEqual([
      "Undone (renamed to “x”)",
    ]);
    expect(describeChange(change(milk, { ...milk, position: 5 }))).toEqual(["Moved"]);
  });
});
