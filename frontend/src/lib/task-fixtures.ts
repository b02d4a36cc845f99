// Tasks and views for the web app's unit tests (never imported by the app itself).
import type { Task } from "./api";
import { newTask } from "./task-cache";
import type { ListParams } from "./tasks-query";

const CREATED = "2026-04-01T00:00:00.000Z";

/** A task as the server returns it: a positive id, fixed times, any fields given. */
export const savedTask = (id: number, changes: Partial<Task> = {}): Task => ({
  ...newTask(`Task ${id}`),
  id,
  created_at: CREATED,
  updated_at: CREATED,
  ...changes,
});

/** The default view (All, no search, no tag, oldest first), with the changes given. */
export const view = (changes: Partial<ListParams> = {}): ListParams => ({
  filter: "all",
  q: "",
  tag: "",
  sort: "created",
  ...changes,
});
