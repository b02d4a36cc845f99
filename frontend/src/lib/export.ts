// "Export my tasks": every task, page by page, saved as a JSON or CSV file.
import { PAGE_SIZE_MAX } from "@todo/contract/tasks";
import { client, data, type Task } from "./api";

export async function fetchAllTasks(): Promise<Task[]> {
  const tasks: Task[] = [];
  let cursor: string | undefined;
  do {
    const page = await data(
      client.GET("/api/{user_id}/tasks", {
        params: { path: { user_id: "me" }, query: { limit: PAGE_SIZE_MAX, cursor } },
      }),
    );
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

/**
 * RFC 4180 fields; a leading = + - @ is prefixed so a spreadsheet never runs it as a formula.
 * Tags go one a line: a tag may hold spaces, commas and semicolons, but never a line break (the
 * API refuses control characters), so splitting the cell on line breaks gives the tags back.
 */
function csvField(value: unknown): string {
  let text = Array.isArray(value) ? value.join("\n") : value == null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  // Quoted too: a ; (the separator where Excel's locale uses a decimal comma) and edge spaces,
  // which some readers trim.
  return /[",;\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV text, starting with a byte order mark: without it Excel reads UTF-8 as the system's
 * legacy code page, and "Café" opens as "CafÃ©". */
export function toCsv(tasks: Task[]): string {
  const rows = tasks.map((task) => COLUMNS.map((column) => csvField(task[column])).join(","));
  return `\uFEFF${[COLUMNS.join(","), ...rows].join("\r\n")}\r\n`;
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
