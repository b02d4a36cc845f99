// The TodoMVC behaviours, one test each, and the app's own extras (details, search, sort, paging,
// empty states, keyboard shortcuts, optimistic updates that roll back). Each test has its own
// new account; the only thing ever routed in the browser is a refusal from the server.
import type { Page, Route } from "@playwright/test";
import {
  type Account,
  addTasks,
  expect,
  hydrated,
  newTaskField,
  taskRow,
  test,
} from "./fixtures.ts";

// --- small helpers -----------------------------------------------------------------------------

const rows = (page: Page) => page.locator("li.task");
const titles = (page: Page) => page.locator("li.task .task-title");
const itemsLeft = (page: Page) => page.locator(".list-footer [aria-live]");
const editor = (page: Page) => page.getByRole("textbox", { name: "Edit task title" });
const searchField = (page: Page) => page.getByRole("searchbox", { name: "Search tasks" });
const filterLink = (page: Page, name: "All" | "Active" | "Completed") =>
  page.getByRole("navigation", { name: "Show" }).getByRole("link", { name, exact: true });
const checkbox = (page: Page, title: string) => taskRow(page, title).getByRole("checkbox");

/** A promise of the next response to `method` on an API path matching `path`. */
const responseTo = (page: Page, method: string, path: RegExp) =>
  page.waitForResponse(
    (response) =>
      response.request().method() === method && path.test(new URL(response.url()).pathname),
  );
const ONE_TASK = /^\/api\/me\/tasks\/\d+$/;
const COMPLETE = /^\/api\/me\/tasks\/\d+\/complete$/;

interface ApiTask {
  id: number;
  title: string;
  description: string;
  is_completed: boolean;
  priority: string;
  due_at: string | null;
  tags: string[];
}

/** Every task of the signed-in account, straight from the API (the page's cookie). */
async function serverTasks(page: Page): Promise<ApiTask[]> {
  const response = await page.request.get("/api/me/tasks?limit=100");
  expect(response.ok(), await response.text()).toBe(true);
  return ((await response.json()) as { items: ApiTask[] }).items;
}

/** Moves focus off any field, so the next key goes to the page (where the shortcuts listen). */
const blur = (page: Page) =>
  page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

/** A problem+json answer, as the API gives it. */
const problem = (status: number, title: string, detail: string, extra: object = {}) => ({
  status,
  contentType: "application/problem+json",
  body: JSON.stringify({ type: "about:blank", title, status, detail, ...extra }),
});

/** Holds matching requests until `release()` is called, then answers them with `answer`, so a
 * test can look at the optimistic state before the server's refusal arrives. */
async function refuse(
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

/** The list is hydrated once the new-task field has React's handlers. */
const listReady = (page: Page) => hydrated(newTaskField(page));

async function reload(page: Page) {
  await page.reload();
  await listReady(page);
}

async function openTasks(page: Page, account: Account, titlesToAdd: string[] = []) {
  void account; // signed up and signed in by the fixture
  await page.goto("/tasks");
  await listReady(page);
  if (titlesToAdd.length > 0) await addTasks(page, titlesToAdd);
}

// --- new tasks ---------------------------------------------------------------------------------

test("the new-task field is focused on load, adds trimmed text on Enter and is cleared", async ({
  page,
  account,
}) => {
  await openTasks(page, account);
  await expect(newTaskField(page)).toBeFocused();

  await newTaskField(page).fill("   Buy milk  ");
  await newTaskField(page).press("Enter");
  await expect(newTaskField(page)).toHaveValue("");
  await expect(newTaskField(page)).toBeFocused();
  await expect(rows(page)).toHaveCount(1);
  await expect(page.locator("li.task input.check:disabled")).toHaveCount(0);
  const [task] = await serverTasks(page);
  expect(task?.title).toBe("Buy milk");
  expect(
    await titles(page)
      .first()
      .evaluate((el) => el.textContent),
  ).toBe("Buy milk");

  // A second one goes after the first.
  await newTaskField(page).fill("Walk the dog");
  await newTaskField(page).press("Enter");
  await expect(titles(page)).toHaveText(["Buy milk", "Walk the dog"]);
});

test("a blank or whitespace-only entry adds nothing", async ({ page, account }) => {
  await openTasks(page, account, ["Existing"]);
  const posts: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/api/me/tasks") {
      posts.push(request.url());
    }
  });

  await newTaskField(page).fill("");
  await newTaskField(page).press("Enter");
  await newTaskField(page).fill("     ");
  await newTaskField(page).press("Enter");
  await newTaskField(page).fill("\t  \t");
  await newTaskField(page).press("Enter");

  await expect(rows(page)).toHaveCount(1);
  await expect(itemsLeft(page)).toHaveText("1 item left");
  expect(posts).toEqual([]);
  await reload(page);
  await expect(titles(page)).toHaveText(["Existing"]);
  expect(await serverTasks(page)).toHaveLength(1);
});

// --- completing --------------------------------------------------------------------------------

test("each task's checkbox toggles it, and the change persists", async ({ page, account }) => {
  await openTasks(page, account, ["Buy milk", "Walk the dog"]);

  let saved = responseTo(page, "PATCH", COMPLETE);
  await checkbox(page, "Buy milk").click();
  await expect(checkbox(page, "Buy milk")).toBeChecked();
  await expect(taskRow(page, "Buy milk")).toHaveAttribute("data-completed", "true");
  await expect(checkbox(page, "Walk the dog")).not.toBeChecked();
  await expect(itemsLeft(page)).toHaveText("1 item left");
  expect((await saved).ok()).toBe(true);

  await reload(page);
  await expect(checkbox(page, "Buy milk")).toBeChecked();
  await expect(checkbox(page, "Walk the dog")).not.toBeChecked();

  saved = responseTo(page, "PATCH", COMPLETE);
  await checkbox(page, "Buy milk").click();
  await expect(checkbox(page, "Buy milk")).not.toBeChecked();
  expect((await saved).ok()).toBe(true);
  await reload(page);
  await expect(checkbox(page, "Buy milk")).not.toBeChecked();
  await expect(itemsLeft(page)).toHaveText("2 items left");
});

// --- editing -----------------------------------------------------------------------------------

test("double-click edits a title in place and Enter saves it", async ({ page, account }) => {
  await openTasks(page, account, ["Buy milk", "Walk the dog"]);

  await taskRow(page, "Buy milk").getByText("Buy milk", { exact: true }).dblclick();
  await expect(editor(page)).toBeFocused();
  await expect(editor(page)).toHaveValue("Buy milk");
  // The other rows are not being edited.
  await expect(editor(page)).toHaveCount(1);
  await editor(page).fill("Buy oat milk");
  const saved = responseTo(page, "PATCH", ONE_TASK);
  await editor(page).press("Enter");
  await expect(editor(page)).toHaveCount(0);
  await expect(titles(page)).toHaveText(["Buy oat milk", "Walk the dog"]);
  expect((await saved).ok()).toBe(true);
  // Focus goes back to the row.
  await expect(taskRow(page, "Buy oat milk")).toBeFocused();

  await reload(page);
  await expect(titles(page)).toHaveText(["Buy oat milk", "Walk the dog"]);
});

test("Enter on a focused row edits it, and leaving the field saves", async ({ page, account }) => {
  await openTasks(page, account, ["Buy milk", "Walk the dog"]);

  await taskRow(page, "Walk the dog").focus();
  await page.keyboard.press("Enter");
  await expect(editor(page)).toBeFocused();
  await expect(editor(page)).toHaveValue("Walk the dog");
  await editor(page).fill("Walk the cat");
  const saved = responseTo(page, "PATCH", ONE_TASK);
  await editor(page).blur();
  await expect(editor(page)).toHaveCount(0);
  await expect(titles(page)).toHaveText(["Buy milk", "Walk the cat"]);
  expect((await saved).ok()).toBe(true);

  await reload(page);
  await expect(titles(page)).toHaveText(["Buy milk", "Walk the cat"]);
});

test("Escape cancels an edit and nothing is sent", async ({ page, account }) => {
  await openTasks(page, account, ["Buy milk"]);
  const patches: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "PATCH") patches.push(request.url());
  });

  await taskRow(page, "Buy milk").getByText("Buy milk", { exact: true }).dblclick();
  await editor(page).fill("Buy something else");
  await editor(page).press("Escape");
  await expect(editor(page)).toHaveCount(0);
  await expect(titles(page)).toHaveText(["Buy milk"]);
  await expect(taskRow(page, "Buy milk")).toBeFocused();
  expect(patches).toEqual([]);

  await reload(page);
  await expect(titles(page)).toHaveText(["Buy milk"]);
  expect((await serverTasks(page)).map((t) => t.title)).toEqual(["Buy milk"]);
});

test("an edited title is trimmed", async ({ page, account }) => {
  await openTasks(page, account, ["Buy milk"]);

  await taskRow(page, "Buy milk").getByText("Buy milk", { exact: true }).dblclick();
  await editor(page).fill("   Buy bread   ");
  const saved = responseTo(page, "PATCH", ONE_TASK);
  await editor(page).press("Enter");
  expect((await saved).ok()).toBe(true);
  expect(
    await titles(page)
      .first()
      .evaluate((el) => el.textContent),
  ).toBe("Buy bread");
  expect((await serverTasks(page)).map((t) => t.title)).toEqual(["Buy bread"]);
});

test("saving an empty title deletes the task, with Undo for 5 seconds", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Buy milk", "Walk the dog"]);

  await taskRow(page, "Buy milk").getByText("Buy milk", { exact: true }).dblclick();
  await editor(page).fill("   ");
  const deleted = responseTo(page, "DELETE", ONE_TASK);
  await editor(page).press("Enter");
  await expect(taskRow(page, "Buy milk")).toHaveCount(0);
  await expect(titles(page)).toHaveText(["Walk the dog"]);
  await expect(page.getByText("Task deleted")).toBeVisible();
  await expect(page.getByRole("button", { name: "Undo" })).toBeVisible();
  await expect(itemsLeft(page)).toHaveText("1 item left");

  // The undo window passes: the server is told, and the toast goes.
  await page.waitForTimeout(5500);
  expect((await deleted).status()).toBe(204);
  await expect(page.getByRole("button", { name: "Undo" })).toHaveCount(0);

  await reload(page);
  await expect(titles(page)).toHaveText(["Walk the dog"]);
  expect((await serverTasks(page)).map((t) => t.title)).toEqual(["Walk the dog"]);
});

// --- toggle all, clear completed, counter ------------------------------------------------------

test("toggle all completes every task, then makes them all active again", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["One", "Two", "Three"]);
  let saved = responseTo(page, "PATCH", COMPLETE);
  await checkbox(page, "Two").click();
  expect((await saved).ok()).toBe(true);

  saved = responseTo(page, "POST", /^\/api\/me\/tasks\/bulk$/);
  await page.getByRole("checkbox", { name: "Mark all as complete" }).click();
  for (const title of ["One", "Two", "Three"]) await expect(checkbox(page, title)).toBeChecked();
  await expect(itemsLeft(page)).toHaveText("0 items left");
  expect((await saved).ok()).toBe(true);
  await expect(page.getByRole("checkbox", { name: "Mark all as active" })).toBeChecked();

  await reload(page);
  for (const title of ["One", "Two", "Three"]) await expect(checkbox(page, title)).toBeChecked();

  saved = responseTo(page, "POST", /^\/api\/me\/tasks\/bulk$/);
  await page.getByRole("checkbox", { name: "Mark all as active" }).click();
  for (const title of ["One", "Two", "Three"]) {
    await expect(checkbox(page, title)).not.toBeChecked();
  }
  await expect(itemsLeft(page)).toHaveText("3 items left");
  expect((await saved).ok()).toBe(true);
  await expect(page.getByRole("checkbox", { name: "Mark all as complete" })).not.toBeChecked();

  await reload(page);
  for (const title of ["One", "Two", "Three"]) {
    await expect(checkbox(page, title)).not.toBeChecked();
  }
  expect((await serverTasks(page)).every((t) => !t.is_completed)).toBe(true);
});

test("Clear completed removes the completed tasks only", async ({ page, account }) => {
  await openTasks(page, account, ["One", "Two", "Three"]);
  await expect(page.getByRole("button", { name: /Clear completed/ })).toHaveCount(0);
  for (const title of ["One", "Three"]) {
    const saved = responseTo(page, "PATCH", COMPLETE);
    await checkbox(page, title).click();
    expect((await saved).ok()).toBe(true);
  }

  const deleted = responseTo(page, "POST", /^\/api\/me\/tasks\/bulk$/);
  await page.getByRole("button", { name: "Clear completed (2)" }).click();
  await expect(titles(page)).toHaveText(["Two"]);
  await expect(page.getByText("2 completed tasks cleared")).toBeVisible();
  await expect(page.getByRole("button", { name: /Clear completed/ })).toHaveCount(0);
  await expect(itemsLeft(page)).toHaveText("1 item left");

  // Sent when the undo window closes.
  expect((await deleted).ok()).toBe(true);
  await reload(page);
  await expect(titles(page)).toHaveText(["Two"]);
  expect((await serverTasks(page)).map((t) => t.title)).toEqual(["Two"]);
});

test('"N items left" counts active tasks, singular and plural', async ({ page, account }) => {
  await openTasks(page, account);
  // No tasks: no counter at all.
  await expect(itemsLeft(page)).toHaveCount(0);

  await addTasks(page, ["One"]);
  await expect(itemsLeft(page)).toHaveText("1 item left");
  await addTasks(page, ["Two"]);
  await expect(itemsLeft(page)).toHaveText("2 items left");
  await addTasks(page, ["Three"]);
  await expect(itemsLeft(page)).toHaveText("3 items left");

  for (const title of ["One", "Two"]) {
    const saved = responseTo(page, "PATCH", COMPLETE);
    await checkbox(page, title).click();
    expect((await saved).ok()).toBe(true);
  }
  await expect(itemsLeft(page)).toHaveText("1 item left");
  const saved = responseTo(page, "PATCH", COMPLETE);
  await checkbox(page, "Three").click();
  await expect(itemsLeft(page)).toHaveText("0 items left");
  expect((await saved).ok()).toBe(true);

  await reload(page);
  await expect(itemsLeft(page)).toHaveText("0 items left");
});

// --- filters -----------------------------------------------------------------------------------

test("the filter is kept in the URL: reload keeps it and Back returns to the previous one", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Active task", "Done task"]);
  const saved = responseTo(page, "PATCH", COMPLETE);
  await checkbox(page, "Done task").click();
  expect((await saved).ok()).toBe(true);
  await expect(filterLink(page, "All")).toHaveAttribute("aria-current", "page");

  await filterLink(page, "Active").click();
  await expect(page).toHaveURL(/\/tasks\?status=active$/);
  await expect(titles(page)).toHaveText(["Active task"]);
  await expect(filterLink(page, "Active")).toHaveAttribute("aria-current", "page");

  await reload(page);
  await expect(titles(page)).toHaveText(["Active task"]);
  await expect(filterLink(page, "Active")).toHaveAttribute("aria-current", "page");

  await filterLink(page, "Completed").click();
  await expect(page).toHaveURL(/\/tasks\?status=completed$/);
  await expect(titles(page)).toHaveText(["Done task"]);

  await page.goBack();
  await expect(page).toHaveURL(/\/tasks\?status=active$/);
  await expect(titles(page)).toHaveText(["Active task"]);
  await expect(filterLink(page, "Active")).toHaveAttribute("aria-current", "page");

  await page.goBack();
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(titles(page)).toHaveText(["Active task", "Done task"]);
  await expect(filterLink(page, "All")).toHaveAttribute("aria-current", "page");

  // A task completed under the Active filter leaves it.
  await filterLink(page, "Active").click();
  await expect(titles(page)).toHaveText(["Active task"]);
  await checkbox(page, "Active task").click();
  await expect(rows(page)).toHaveCount(0);
  await expect(page.getByText("All done!")).toBeVisible();
});

// --- details -----------------------------------------------------------------------------------

test("the details panel sets notes, priority, a due date and tags, kept after a reload", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Buy milk"]);

  await taskRow(page, "Buy milk").getByRole("button", { name: "Details" }).click();
  const dialog = page.getByRole("dialog", { name: "Task details" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Title", { exact: true })).toHaveValue("Buy milk");
  await dialog.getByLabel("Notes").fill("Semi-skimmed, two litres");
  await dialog.getByLabel("Priority").selectOption({ label: "High" });
  await dialog.getByLabel("Due date").fill("2020-01-02");
  await dialog.getByLabel("Due time").fill("09:30");
  await dialog.getByLabel("Tags").fill("home, errands");
  const saved = responseTo(page, "PATCH", ONE_TASK);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toHaveCount(0);

  const row = taskRow(page, "Buy milk");
  await expect(row.getByText("High priority")).toBeVisible();
  await expect(row).toContainText("Overdue");
  await expect(row.getByText("#home", { exact: true })).toBeVisible();
  await expect(row.getByText("#errands", { exact: true })).toBeVisible();
  expect((await saved).ok()).toBe(true);

  await reload(page);
  await expect(row.getByText("High priority")).toBeVisible();
  await expect(row).toContainText("Overdue");
  await expect(row.getByText("#home", { exact: true })).toBeVisible();
  await expect(row.getByText("#errands", { exact: true })).toBeVisible();

  await row.getByRole("button", { name: "Details" }).click();
  await expect(dialog.getByLabel("Notes")).toHaveValue("Semi-skimmed, two litres");
  await expect(dialog.getByLabel("Priority")).toHaveValue("high");
  await expect(dialog.getByLabel("Due date")).toHaveValue("2020-01-02");
  await expect(dialog.getByLabel("Due time")).toHaveValue("09:30");
  await expect(dialog.getByLabel("Tags")).toHaveValue("home, errands");
  const [task] = await serverTasks(page);
  expect(task).toMatchObject({
    description: "Semi-skimmed, two litres",
    priority: "high",
    tags: ["home", "errands"],
  });
  expect(new Date(task?.due_at as string).getTime()).toBe(new Date("2020-01-02T09:30").getTime());
});

test("a validation error in the details panel is shown inline and nothing is lost", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Buy milk"]);
  const patches: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "PATCH") patches.push(request.url());
  });

  await taskRow(page, "Buy milk").getByRole("button", { name: "Details" }).click();
  const dialog = page.getByRole("dialog", { name: "Task details" });
  await dialog.getByLabel("Notes").fill("Keep these notes");
  await dialog.getByLabel("Priority").selectOption("medium");
  const tooMany = Array.from({ length: 21 }, (_, i) => `tag${i + 1}`).join(", ");
  await dialog.getByLabel("Tags").fill(tooMany);
  await dialog.getByRole("button", { name: "Save" }).click();

  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("alert")).toHaveText("At most 20 tags.");
  await expect(dialog.getByLabel("Tags")).toHaveAttribute("aria-invalid", "true");
  await expect(dialog.getByLabel("Tags")).toBeFocused();
  await expect(dialog.getByLabel("Tags")).toHaveValue(tooMany);
  await expect(dialog.getByLabel("Notes")).toHaveValue("Keep these notes");
  await expect(dialog.getByLabel("Priority")).toHaveValue("medium");

  // A cleared title is refused too.
  await dialog.getByLabel("Tags").fill("home");
  await dialog.getByLabel("Title", { exact: true }).fill("   ");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("A task needs a title.");
  await expect(dialog.getByLabel("Title", { exact: true })).toBeFocused();
  await expect(dialog.getByLabel("Notes")).toHaveValue("Keep these notes");
  expect(patches).toEqual([]);

  // Put right, it saves everything that was typed.
  await dialog.getByLabel("Title", { exact: true }).fill("Buy oat milk");
  const saved = responseTo(page, "PATCH", ONE_TASK);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toHaveCount(0);
  expect((await saved).ok()).toBe(true);
  await expect(taskRow(page, "Buy oat milk").getByText("Medium priority")).toBeVisible();
  const [task] = await serverTasks(page);
  expect(task).toMatchObject({
    title: "Buy oat milk",
    description: "Keep these notes",
    priority: "medium",
    tags: ["home"],
  });
});

test("a details change the server refuses reopens the panel with its reasons", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Buy milk"]);
  const refusal = await refuse(
    page,
    (url, method) => method === "PATCH" && ONE_TASK.test(url.pathname),
    problem(422, "Unprocessable Content", "The request is not valid.", {
      errors: [{ path: "tags.0", message: "a tag cannot contain control characters" }],
    }),
  );

  await taskRow(page, "Buy milk").getByRole("button", { name: "Details" }).click();
  const dialog = page.getByRole("dialog", { name: "Task details" });
  await dialog.getByLabel("Notes").fill("Typed notes");
  await dialog.getByLabel("Tags").fill("shopping");
  await dialog.getByRole("button", { name: "Save" }).click();
  // Optimistic: the panel closes and the row shows the change at once.
  await expect(dialog).toHaveCount(0);
  await expect(taskRow(page, "Buy milk").getByText("#shopping")).toBeVisible();
  refusal.release();

  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("alert")).toContainText(
    "tags.0: a tag cannot contain control characters",
  );
  await expect(dialog.getByLabel("Notes")).toHaveValue("Typed notes");
  await expect(dialog.getByLabel("Tags")).toHaveValue("shopping");
  await expect(taskRow(page, "Buy milk").getByText("#shopping")).toHaveCount(0);
  expect(refusal.seen()).toBe(1);
  expect((await serverTasks(page))[0]).toMatchObject({ description: "", tags: [] });
});

// --- search and sort ---------------------------------------------------------------------------

test("search filters as you type, lives in the URL, and Escape clears it", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Buy milk", "Walk the dog", "Buy bread"]);

  await searchField(page).fill("buy");
  await expect(page).toHaveURL(/[?&]q=buy\b/);
  await expect(titles(page)).toHaveText(["Buy milk", "Buy bread"]);

  await reload(page);
  await expect(searchField(page)).toHaveValue("buy");
  await expect(titles(page)).toHaveText(["Buy milk", "Buy bread"]);

  await searchField(page).fill("zzz");
  await expect(page).toHaveURL(/[?&]q=zzz\b/);
  await expect(rows(page)).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: "No tasks match" })).toContainText(
    "No tasks match “zzz”",
  );

  await searchField(page).press("Escape");
  await expect(searchField(page)).toHaveValue("");
  await expect(page).not.toHaveURL(/q=/);
  await expect(titles(page)).toHaveText(["Buy milk", "Walk the dog", "Buy bread"]);

  // The empty state's button clears the search as well.
  await searchField(page).fill("nothing like this");
  await expect(page.getByText("No tasks match “nothing like this”")).toBeVisible();
  await page.getByRole("button", { name: "Clear search" }).click();
  await expect(searchField(page)).toHaveValue("");
  await expect(titles(page)).toHaveText(["Buy milk", "Walk the dog", "Buy bread"]);
  await expect(page).not.toHaveURL(/q=/);
});

test("the Sort by select changes the order and is kept in the URL", async ({ page, account }) => {
  await openTasks(page, account, ["Cherry", "Apple", "Banana"]);
  await expect(titles(page)).toHaveText(["Cherry", "Apple", "Banana"]);
  const sort = page.getByLabel("Sort by");

  await sort.selectOption({ label: "Title (A–Z)" });
  await expect(page).toHaveURL(/[?&]sort=title\b/);
  await expect(titles(page)).toHaveText(["Apple", "Banana", "Cherry"]);

  await reload(page);
  await expect(sort).toHaveValue("title");
  await expect(titles(page)).toHaveText(["Apple", "Banana", "Cherry"]);

  await sort.selectOption({ label: "Newest first" });
  await expect(page).toHaveURL(/[?&]sort=-created\b/);
  await expect(titles(page)).toHaveText(["Banana", "Apple", "Cherry"]);

  await page.goBack();
  await expect(page).toHaveURL(/[?&]sort=title\b/);
  await expect(sort).toHaveValue("title");
  await expect(titles(page)).toHaveText(["Apple", "Banana", "Cherry"]);
});

// --- paging ------------------------------------------------------------------------------------

test("more tasks load as the list scrolls, 50 at a time", async ({ page, account, baseURL }) => {
  void account;
  const all = Array.from({ length: 120 }, (_, i) => `Task ${String(i + 1).padStart(3, "0")}`);
  for (let i = 0; i < all.length; i += 20) {
    await Promise.all(
      all.slice(i, i + 20).map(async (title) => {
        const response = await page.request.post("/api/me/tasks", {
          data: { title },
          headers: { Origin: baseURL as string },
        });
        expect(response.status(), await response.text()).toBe(201);
      }),
    );
  }

  await page.goto("/tasks");
  await listReady(page);
  await expect(rows(page)).toHaveCount(50);
  await expect(itemsLeft(page)).toHaveText("120 items left");

  await rows(page).last().scrollIntoViewIfNeeded();
  await expect(rows(page)).toHaveCount(100);
  await rows(page).last().scrollIntoViewIfNeeded();
  await expect(rows(page)).toHaveCount(120);
  await expect(page.getByRole("button", { name: "Show more" })).toBeHidden();

  // Every task once, none twice.
  const shown = await titles(page).allTextContents();
  expect(new Set(shown).size).toBe(120);
  expect([...shown].sort()).toEqual(all);
});

// --- empty states ------------------------------------------------------------------------------

test("empty states say what to do", async ({ page, account }) => {
  await openTasks(page, account);
  const empty = page.locator("section[aria-label=Tasks] [role=status]");
  await expect(empty).toContainText("Nothing to do yet");
  await expect(empty).toContainText("Type a task in the field above and press Enter.");

  await addTasks(page, ["Only task"]);
  await expect(empty).toHaveCount(0);

  await filterLink(page, "Completed").click();
  await expect(empty).toContainText("No completed tasks yet");
  await expect(empty).toContainText("Tick a task's checkbox when you finish it.");

  await filterLink(page, "Active").click();
  await expect(titles(page)).toHaveText(["Only task"]);
  const saved = responseTo(page, "PATCH", COMPLETE);
  await checkbox(page, "Only task").click();
  expect((await saved).ok()).toBe(true);
  await expect(empty).toContainText("All done!");
  await expect(empty).toContainText("Nothing left to do.");
});

// --- keyboard shortcuts ------------------------------------------------------------------------

test("n focuses the new-task field and / focuses search", async ({ page, account }) => {
  await openTasks(page, account, ["Buy milk"]);
  await blur(page);

  await page.keyboard.press("/");
  await expect(searchField(page)).toBeFocused();
  await expect(searchField(page)).toHaveValue("");

  await blur(page);
  await page.keyboard.press("n");
  await expect(newTaskField(page)).toBeFocused();
  await expect(newTaskField(page)).toHaveValue("");
});

test("j and k move the active row, x toggles it, e edits it", async ({ page, account }) => {
  await openTasks(page, account, ["One", "Two", "Three"]);
  await blur(page);

  await page.keyboard.press("j");
  await expect(taskRow(page, "One")).toBeFocused();
  await page.keyboard.press("j");
  await expect(taskRow(page, "Two")).toBeFocused();
  await expect(taskRow(page, "Two")).toHaveAttribute("data-active", "true");
  await page.keyboard.press("j");
  await expect(taskRow(page, "Three")).toBeFocused();
  await page.keyboard.press("j"); // stays on the last row
  await expect(taskRow(page, "Three")).toBeFocused();
  await page.keyboard.press("k");
  await expect(taskRow(page, "Two")).toBeFocused();

  const saved = responseTo(page, "PATCH", COMPLETE);
  await page.keyboard.press("x");
  await expect(checkbox(page, "Two")).toBeChecked();
  await expect(checkbox(page, "One")).not.toBeChecked();
  expect((await saved).ok()).toBe(true);

  await page.keyboard.press("e");
  await expect(editor(page)).toBeFocused();
  await expect(editor(page)).toHaveValue("Two");
  await page.keyboard.type("Second");
  const renamed = responseTo(page, "PATCH", ONE_TASK);
  await page.keyboard.press("Enter");
  expect((await renamed).ok()).toBe(true);
  await expect(titles(page)).toHaveText(["One", "Second", "Three"]);
  await expect(taskRow(page, "Second")).toBeFocused();

  await reload(page);
  await expect(titles(page)).toHaveText(["One", "Second", "Three"]);
  await expect(checkbox(page, "Second")).toBeChecked();
});

test("Delete deletes the active row, with an Undo toast", async ({ page, account }) => {
  await openTasks(page, account, ["One", "Two", "Three"]);
  await blur(page);
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await expect(taskRow(page, "Two")).toBeFocused();

  await page.keyboard.press("Delete");
  await expect(titles(page)).toHaveText(["One", "Three"]);
  await expect(page.getByText("Task deleted")).toBeVisible();
  // Focus moves on to the next row.
  await expect(taskRow(page, "Three")).toBeFocused();

  await page.getByRole("button", { name: "Undo" }).click();
  await expect(titles(page)).toHaveText(["One", "Two", "Three"]);
  await reload(page);
  await expect(titles(page)).toHaveText(["One", "Two", "Three"]);
});

test("? opens the keyboard shortcuts dialog", async ({ page, account }) => {
  await openTasks(page, account, ["One"]);
  await blur(page);
  await page.keyboard.press("j");
  await expect(taskRow(page, "One")).toBeFocused();

  await page.keyboard.press("?");
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Show these shortcuts");
  await expect(dialog).toContainText("Delete the task (you can undo)");

  // Keys in the dialog do not reach the list (x would complete the active row).
  await page.keyboard.press("x");
  await expect(taskRow(page, "One")).toHaveAttribute("data-completed", "false");

  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(checkbox(page, "One")).not.toBeChecked();
  await expect(itemsLeft(page)).toHaveText("1 item left");
});

test("shortcuts are ignored while typing in a text field", async ({ page, account }) => {
  await openTasks(page, account, ["One"]);
  await newTaskField(page).focus();

  await page.keyboard.type("nj/x?e");
  await expect(newTaskField(page)).toHaveValue("nj/x?e");
  await expect(newTaskField(page)).toBeFocused();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(checkbox(page, "One")).not.toBeChecked();

  await searchField(page).focus();
  await page.keyboard.type("n?");
  await expect(searchField(page)).toHaveValue("n?");
  await expect(searchField(page)).toBeFocused();
  await expect(page.getByRole("dialog")).toHaveCount(0);
});

// --- optimistic updates ------------------------------------------------------------------------

test("a refused completion flips back with a message", async ({ page, account }) => {
  await openTasks(page, account, ["Buy milk"]);
  const refusal = await refuse(
    page,
    (url, method) => method === "PATCH" && COMPLETE.test(url.pathname),
    problem(500, "Internal Server Error", "boom"),
  );

  await checkbox(page, "Buy milk").click();
  // At once, before the server answers.
  await expect(checkbox(page, "Buy milk")).toBeChecked();
  await expect(itemsLeft(page)).toHaveText("0 items left");
  refusal.release();

  await expect(checkbox(page, "Buy milk")).not.toBeChecked();
  await expect(itemsLeft(page)).toHaveText("1 item left");
  await expect(page.getByText("Couldn't update the task")).toBeVisible();
  await expect(page.getByText("boom")).toBeVisible();
  expect(refusal.seen()).toBe(1);

  await page.unrouteAll();
  await reload(page);
  await expect(checkbox(page, "Buy milk")).not.toBeChecked();
});

test("a refused rename puts the old title back with a message", async ({ page, account }) => {
  await openTasks(page, account, ["Buy milk"]);
  const refusal = await refuse(
    page,
    (url, method) => method === "PATCH" && ONE_TASK.test(url.pathname),
    problem(500, "Internal Server Error", "boom"),
  );

  await taskRow(page, "Buy milk").getByText("Buy milk", { exact: true }).dblclick();
  await editor(page).fill("Buy oat milk");
  await editor(page).press("Enter");
  await expect(titles(page)).toHaveText(["Buy oat milk"]);
  refusal.release();

  await expect(titles(page)).toHaveText(["Buy milk"]);
  await expect(page.getByText("Couldn't save the change")).toBeVisible();
  expect((await serverTasks(page)).map((t) => t.title)).toEqual(["Buy milk"]);
});

test("a failed create gives the text back to the new-task field", async ({ page, account }) => {
  await openTasks(page, account, ["Existing"]);
  const refusal = await refuse(
    page,
    (url, method) => method === "POST" && url.pathname === "/api/me/tasks",
    problem(422, "Unprocessable Content", "The title is not allowed.", {
      errors: [{ path: "title", message: "not allowed" }],
    }),
  );

  await newTaskField(page).fill("Doomed task");
  await newTaskField(page).press("Enter");
  // Optimistic: the row shows at once (still saving), the field is cleared.
  await expect(newTaskField(page)).toHaveValue("");
  await expect(titles(page)).toHaveText(["Existing", "Doomed task"]);
  await expect(checkbox(page, "Doomed task")).toBeDisabled();
  refusal.release();

  await expect(newTaskField(page)).toHaveValue("Doomed task");
  await expect(titles(page)).toHaveText(["Existing"]);
  await expect(page.getByText("Couldn't add the task")).toBeVisible();
  await expect(page.getByText("The title is not allowed.")).toBeVisible();
  expect((await serverTasks(page)).map((t) => t.title)).toEqual(["Existing"]);
});

test("many changes refused for too many requests show one message that counts down", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Buy milk", "Walk the dog"]);
  await page.route(
    (url) => COMPLETE.test(url.pathname),
    (route) =>
      route.fulfill({
        ...problem(429, "Too Many Requests", "At most 600 requests per 60 s. Slow down."),
        headers: { "Retry-After": "30" },
      }),
  );
  await checkbox(page, "Buy milk").click();
  await checkbox(page, "Walk the dog").click();
  await expect(checkbox(page, "Walk the dog")).not.toBeChecked();
  const toasts = page.locator("[data-sonner-toast]");
  await expect(toasts).toHaveCount(1);
  const text = () => toasts.first().textContent();
  await expect(toasts.first()).toContainText(/Try again in \d+ seconds/);
  expect((await text())?.match(/try again/gi)).toHaveLength(1);
  const seconds = async () => Number((await text())?.match(/(\d+) seconds/)?.[1]);
  const first = await seconds();
  expect(first).toBeGreaterThan(25);
  await expect.poll(seconds, { timeout: 4_000 }).toBeLessThanOrEqual(first - 2);
});

// --- tags --------------------------------------------------------------------------------------

test("a tag is a link that filters the list by it; the toolbar shows and clears it", async ({
  page,
  account,
  baseURL,
}) => {
  void account;
  for (const task of [
    { title: "Buy milk", tags: ["home", "errands"] },
    { title: "Write report", tags: ["work"] },
    { title: "Fix the sink", tags: ["home"] },
  ]) {
    const response = await page.request.post("/api/me/tasks", {
      data: task,
      headers: { Origin: baseURL as string },
    });
    expect(response.status()).toBe(201);
  }
  await page.goto("/tasks");
  await listReady(page);

  const homeTag = taskRow(page, "Buy milk").getByRole("link", { name: "#home" });
  await expect(homeTag).toHaveAttribute("href", "/tasks?tag=home");
  await homeTag.click();
  await expect(page).toHaveURL("/tasks?tag=home");
  await expect(titles(page)).toHaveText(["Buy milk", "Fix the sink"]);
  const clear = page.getByRole("button", { name: "Stop filtering by tag home" });
  await expect(clear).toBeVisible();
  await expect(clear).toContainText("#home");

  // Kept in the URL: a reload and the server's first page agree.
  await reload(page);
  await expect(titles(page)).toHaveText(["Buy milk", "Fix the sink"]);
  await expect(clear).toBeVisible();

  // With a status filter too.
  await filterLink(page, "Active").click();
  await expect(page).toHaveURL("/tasks?status=active&tag=home");
  await expect(titles(page)).toHaveText(["Buy milk", "Fix the sink"]);

  await clear.click();
  await expect(page).toHaveURL("/tasks?status=active");
  await expect(titles(page)).toHaveText(["Buy milk", "Write report", "Fix the sink"]);
  await expect(clear).toHaveCount(0);

  // By keyboard: Tab to a tag, Enter follows it.
  await taskRow(page, "Write report").getByRole("link", { name: "#work" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL("/tasks?status=active&tag=work");
  await expect(titles(page)).toHaveText(["Write report"]);
  await page.goBack();
  await expect(titles(page)).toHaveText(["Buy milk", "Write report", "Fix the sink"]);
});
