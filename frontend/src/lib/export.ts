// "Export my tasks": every task, page by page, saved as a JSON or CSV file.
import { api, type Task, type TaskPage } from "./api";

export async function fetchAllTasks(): Promise<Task[]> {
  const tasks: Task[] = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams({ limit: "100" });
    if (cursor) params.set("cursor", cursor);
    const page = await api<TaskPage>(`/api/me/tasks?${params}`);
    tasks.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return tasks;
}

const COLUMNS = [
  "id",
  "title",
  "description",
  "is_completed",
  "completed_at",
  "priority",
  "due_at",
  "tags",
  "created_at",
  "updated_at",
] as const;

/** RFC 4180 fields; a leading = + - @ is prefixed so a spreadsheet never runs it as a formula. */
function csvField(value: unknown): string {
  let text = Array.isArray(value) ? value.join(" ") : value == null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(tasks: Task[]): string {
  const rows = tasks.map((task) => COLUMNS.map((column) => csvField(task[column])).join(","));
  return `${[COLUMNS.join(","), ...rows].join("\r\n")}\r\n`;
}

export function download(filename: string, type: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
