// Shared by the task-list browser tests: the list's parts as a person finds them, the API requests
// the page sends, and the list opened with some tasks typed in.
import type { Page, Route } from "@playwright/test";
import { type Account, addTasks, expect, hydrated, newTaskField, taskRow } from "./fixtures.ts";

export const rows = (page: Page) => page.locator("li.task");
export const titles = (page: Page) => page.locator("li.task .task-title");
export const itemsLeft = (page: Page) => page.locator(".list-footer [aria-live]");
export const editor = (page: Page) => page.getByRole("textbox", { name: "Edit task title" });
export const searchField = (page: Page) => page.getByRole("searchbox", { name: "Search tasks" });
export const filterLink = (page: Page, name: "All" | "Active" | "Completed") =>
  page.getByRole("navigation", { name: "Show" }).getByRole("link", { name, exact: true });
export const checkbox = (page: Page, title: string) => taskRow(page, title).getByRole("checkbox");

/** A promise of the next response to `method` on an API path matching `path`. */
export const responseTo = (page: Page, method: string, path: RegExp) =>
  page.waitForResponse(
    (response) =>
      response.request().method() === method && path.test(new URL(response.url()).pathname),
  );
export const ONE_TASK = /^\/api\/me\/tasks\/\d+$/;
export const COMPLETE = /^\/api\/me\/tasks\/\d+\/complete$/;

export interface ApiTask {
  id: number;
  title: string;
  description: string;
  is_completed: boolean;
  priority: string;
  due_at: string | null;
  tags: string[];
  created_at: string;
}

/** Every task of the signed-in account, straight from the API (the page's cookie). */
export async function serverTasks(page: Page): Promise<ApiTask[]> {
  const response = await page.request.get("/api/me/tasks?limit=100");
  expect(response.ok(), await response.text()).toBe(true);
  return ((await response.json()) as { items: ApiTask[] }).items;
}

/** Moves focus off any field, so the next key goes to the page (where the shortcuts listen). */
export const blur = (page: Page) =>
  page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

/** A problem+json answer, as the API gives it. */
export const problem = (status: number, title: string, detail: string, extra: object = {}) => ({
  status,
  contentType: "application/problem+json",
  body: JSON.stringify({ type: "about:blank", title, status, detail, ...extra }),
});

/** Holds matching requests until `release()` is called, then answers them with `answer`, so a
 * test can look at the optimistic state before the server's refusal arrives. */
export async function refuse(
  page: Page,
  match: (url: URL, method: string) => boolean,
  answer: ReturnType<typeof problem>,
) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let seen = 0;
  await page.route(
    (url) => url.pathname.startsWith("/api/"),
    async (route: Route) => {
      if (!match(new URL(route.request().url()), route.request().method())) {
        return route.fallback();
      }
      seen++;
      await released;
      await route.fulfill(answer);
    },
  );
  return { release, seen: () => seen };
}

export const details = (page: Page) => page.getByRole("dialog", { name: "Task details" });

/** Records the API requests with this method (and path), to assert that none was sent. */
export function requestsTo(page: Page, method: string, path: RegExp) {
  const seen: string[] = [];
  page.on("request", (request) => {
    if (request.method() === method && path.test(new URL(request.url()).pathname)) {
      seen.push(request.url());
    }
  });
  return seen;
}

/** The list is hydrated once the new-task field has React's handlers. */
export const listReady = (page: Page) => hydrated(newTaskField(page));

export async function reload(page: Page) {
  await page.reload();
  await listReady(page);
}

/** Opens the task list (with `query`, such as "?status=active") and types these titles in. */
export async function openTasks(
  page: Page,
  account: Account,
  titlesToAdd: string[] = [],
  query = "",
) {
  void account; // signed up and signed in by the fixture
  await page.goto(`/tasks${query}`);
  await listReady(page);
  if (titlesToAdd.length > 0) await addTasks(page, titlesToAdd);
}

/** Opens a task's details panel with the row's Details button, and returns the panel. */
export async function openDetails(page: Page, title: string) {
  await taskRow(page, title).getByRole("button", { name: "Details" }).click();
  return details(page);
}
