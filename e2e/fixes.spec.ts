// What new users found in the task list (issue 13): a new task vanishing into a page not loaded,
// a due date without a time dropped, Escape swallowing the next save, shortcuts dead on the first
// row, the details panel discarding edits, long titles cut silently, and right-to-left detail lines.
// Each test failed on the code before its fix.
import type { Page } from "@playwright/test";
import { expect, hydrated, newTaskField, seedTasks, taskRow, test } from "./fixtures.ts";
import {
  details,
  editor,
  ONE_TASK,
  openDetails,
  openTasks,
  requestsTo,
  responseTo,
  searchField,
  serverTasks,
} from "./task-list.ts";

/** The list's own titles, not the copy pinned under "Just added". */
const titles = (page: Page) => page.locator("section[aria-label=Tasks] li.task .task-title");
const justAdded = (page: Page) => page.getByRole("region", { name: "Just added" });
const announcer = (page: Page) => page.locator("#list-announcer");

const serverTask = async (page: Page, title: string) =>
  (await serverTasks(page)).find((task) => task.title === title);

/** Types a title, presses Enter and waits for the server's answer and the list's refetch. */
async function addAndSettle(page: Page, title: string) {
  const created = responseTo(page, "POST", /^\/api\/me\/tasks$/);
  const refetched = page.waitForResponse(
    (response) =>
      response.request().method() === "GET" && new URL(response.url()).pathname === "/api/me/tasks",
  );
  await newTaskField(page).fill(title);
  await newTaskField(page).press("Enter");
  expect((await created).status()).toBe(201);
  await refetched;
}

// --- 12: a new task never disappears ---------------------------------------------------------

test("a task added to a long list sorted Oldest first stays in view as Just added and is announced", async ({
  page,
  account,
  baseURL,
}) => {
  void account;
  await seedTasks(
    page,
    baseURL as string,
    Array.from({ length: 60 }, (_, i) => ({ title: `Task ${String(i + 1).padStart(2, "0")}` })),
    20,
  );
  await openTasks(page, account);
  await expect(titles(page)).toHaveCount(50);

  await addAndSettle(page, "Brand new task");
  // The server put it on a page not loaded yet; it stays in view, pinned, and says where it is.
  await expect(justAdded(page).getByText("Brand new task", { exact: true })).toBeVisible();
  await expect(justAdded(page)).toContainText("Oldest first");
  await expect(announcer(page)).toContainText("Added “Brand new task”");
  await expect(page.locator(".list-footer [aria-live]")).toHaveText("61 items left");
  // It is a task like any other there: it can be ticked.
  await justAdded(page).getByRole("checkbox", { name: "Brand new task" }).check();
  await expect
    .poll(async () => (await serverTask(page, "Brand new task")) !== undefined)
    .toBe(true);

  // Once the list has loaded as far as it, it is shown in its place and the pinned copy goes.
  // Scrolling to the end loads the next page (clicking "Show more" would race that load).
  await titles(page).last().scrollIntoViewIfNeeded();
  await expect(titles(page)).toHaveCount(61);
  await expect(titles(page).last()).toHaveText("Brand new task");
  await expect(justAdded(page)).toHaveCount(0);
});

test("a task added under Completed, or not matching the search, is shown as Just added with a way to see it", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Buy milk"]);

  await page.goto("/tasks?status=completed");
  await hydrated(newTaskField(page));
  await addAndSettle(page, "Walk the dog");
  await expect(justAdded(page).getByText("Walk the dog", { exact: true })).toBeVisible();
  await expect(justAdded(page)).toContainText("New tasks are active");
  await expect(announcer(page)).toContainText("Added “Walk the dog”");
  await justAdded(page).getByRole("button", { name: "Show all tasks" }).click();
  await expect(titles(page)).toHaveText(["Buy milk", "Walk the dog"]);
  await expect(justAdded(page)).toHaveCount(0);

  await searchField(page).fill("milk");
  await expect(titles(page)).toHaveText(["Buy milk"]);
  await addAndSettle(page, "Call the bank");
  await expect(justAdded(page).getByText("Call the bank", { exact: true })).toBeVisible();
  await expect(justAdded(page)).toContainText("doesn’t match the search");
  await justAdded(page).getByRole("button", { name: "Clear search" }).click();
  await expect(titles(page)).toHaveText(["Buy milk", "Walk the dog", "Call the bank"]);
  await expect(justAdded(page)).toHaveCount(0);
});

// --- 14: a due date without a time -------------------------------------------------------------

test("a due date without a time is saved at the end of that day, as the panel says", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Pay rent"]);
  const dialog = await openDetails(page, "Pay rent");
  // The date typed by key, as a person does, with the time left empty.
  await dialog.getByLabel(/^Due/).first().focus();
  await page.keyboard.type("05172030");
  const saved = responseTo(page, "PATCH", ONE_TASK);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toHaveCount(0);
  expect((await saved).ok()).toBe(true);
  const task = await serverTask(page, "Pay rent");
  expect(new Date(task?.due_at as string).getTime()).toBe(new Date(2030, 4, 17, 23, 59).getTime());
  await expect(taskRow(page, "Pay rent")).toContainText("May 17, 2030");

  // The panel says what a date alone means, next to the time.
  await taskRow(page, "Pay rent").getByRole("button", { name: "Details" }).click();
  await expect(dialog.getByLabel("Due time")).toHaveValue("23:59");
  await expect(dialog.getByLabel("Due time")).toHaveAccessibleDescription(
    "Without a time, it is due at the end of the day (23:59).",
  );
});

test("a half-typed time, or a time without a date, is refused inline and nothing is lost", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Pay rent"]);
  const patches = requestsTo(page, "PATCH", ONE_TASK);
  const dialog = await openDetails(page, "Pay rent");
  await dialog.getByLabel("Notes").fill("Transfer by Friday");

  await dialog.getByLabel("Due time").focus();
  await page.keyboard.type("09");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByLabel("Due time")).toBeFocused();
  await expect(dialog.getByRole("alert")).toHaveText("Add a date for this time, or clear it.");

  await dialog.getByLabel("Due date").fill("2030-05-17");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("Enter the whole time, or clear it.");
  await expect(dialog.getByLabel("Notes")).toHaveValue("Transfer by Friday");
  expect(patches).toEqual([]);

  await dialog.getByLabel("Due time").fill("09:30");
  const saved = responseTo(page, "PATCH", ONE_TASK);
  await dialog.getByRole("button", { name: "Save" }).click();
  expect((await saved).ok()).toBe(true);
  const task = await serverTask(page, "Pay rent");
  expect(new Date(task?.due_at as string).getTime()).toBe(new Date(2030, 4, 17, 9, 30).getTime());
  expect(task?.description).toBe("Transfer by Friday");
});

test("over-long notes and tags in the details panel are kept whole and refused with the reason", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Pay rent"]);
  const patches = requestsTo(page, "PATCH", ONE_TASK);
  const dialog = await openDetails(page, "Pay rent");
  const notes = "Notes. ".repeat(716).slice(0, 5010);
  await dialog.getByLabel("Notes").fill(notes);
  await expect(dialog.getByLabel("Notes")).toHaveValue(notes);
  await expect(dialog.getByText("At most 5,000 characters (this has 5,010)")).toBeVisible();
  const longTag = "a-tag-that-is-much-longer-than-allowed";
  await dialog.getByLabel("Tags").fill(`home, ${longTag}`);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText(`“${longTag}” is longer than 32 characters.`)).toBeVisible();
  expect(patches).toEqual([]);
});

// --- 15: Escape does not swallow the next save -------------------------------------------------

test("after Escape cancels an edit, editing the same title again saves on the first Enter", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Buy milk"]);
  const title = taskRow(page, "Buy milk").getByText("Buy milk", { exact: true });
  await title.dblclick();
  await editor(page).fill("Something else");
  await editor(page).press("Escape");
  await expect(editor(page)).toHaveCount(0);

  await title.dblclick();
  await editor(page).fill("Buy oat milk");
  const saved = responseTo(page, "PATCH", ONE_TASK);
  await editor(page).press("Enter");
  await expect(editor(page)).toHaveCount(0);
  expect((await saved).ok()).toBe(true);
  await expect(titles(page)).toHaveText(["Buy oat milk"]);
});

// --- 16: the highlighted row is the current row -----------------------------------------------

test("x, o and Delete act on the highlighted first row at once, and a clicked row becomes current", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["One", "Two", "Three"]);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await expect(taskRow(page, "One")).toHaveAttribute("data-active", "true");

  await page.keyboard.press("x");
  await expect(taskRow(page, "One").getByRole("checkbox")).toBeChecked();

  await taskRow(page, "Three").getByText("Three", { exact: true }).click();
  await expect(taskRow(page, "Three")).toHaveAttribute("data-active", "true");
  await page.keyboard.press("o");
  await expect(details(page).getByLabel("Title", { exact: true })).toHaveValue("Three");
  await page.keyboard.press("Escape");
  await expect(details(page)).toHaveCount(0);

  // Clicking the first row, already highlighted, makes it current too.
  await taskRow(page, "One").getByText("One", { exact: true }).click();
  await page.keyboard.press("Delete");
  await expect(titles(page)).toHaveText(["Two", "Three"]);
});

test("when the current row leaves the list, the first row is current and in the Tab order", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["One", "Two"], "?status=active");
  await taskRow(page, "Two").getByText("Two", { exact: true }).click();
  await page.keyboard.press("x"); // completed: it leaves the Active list
  await expect(titles(page)).toHaveText(["One"]);
  await expect(taskRow(page, "One")).toHaveAttribute("data-active", "true");
  await expect(taskRow(page, "One")).toHaveAttribute("tabindex", "0");
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press("x");
  await expect(titles(page)).toHaveCount(0);
});

// --- 17: details asks before discarding; long titles; right-to-left detail lines ---------------

test("the details panel asks before discarding changes on Escape, a click outside or Cancel", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Buy milk"]);
  const patches = requestsTo(page, "PATCH", ONE_TASK);
  const row = taskRow(page, "Buy milk");

  // Nothing changed: Escape closes at once.
  await row.getByRole("button", { name: "Details" }).click();
  await expect(details(page)).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(details(page)).toHaveCount(0);

  await row.getByRole("button", { name: "Details" }).click();
  const dialog = details(page);
  await dialog.getByLabel("Notes").fill("Two litres");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("alert")).toContainText("Discard your changes?");
  await expect(dialog.getByRole("button", { name: "Keep editing" })).toBeFocused();
  await dialog.getByRole("button", { name: "Keep editing" }).click();
  await expect(dialog.getByLabel("Notes")).toHaveValue("Two litres");

  await page.mouse.click(5, 5); // the backdrop
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape"); // Escape in the question keeps editing
  await expect(dialog.getByRole("button", { name: "Discard changes" })).toHaveCount(0);
  await expect(dialog.getByLabel("Notes")).toHaveValue("Two litres");

  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.getByRole("button", { name: "Discard changes" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row).toBeFocused();
  expect(patches).toEqual([]);
});

test("a title pasted over 200 characters is kept whole and refused with a message, never cut", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Buy milk"]);
  const posts = requestsTo(page, "POST", /^\/api\/me\/tasks$/);
  const patches = requestsTo(page, "PATCH", ONE_TASK);
  const long = `${"word ".repeat(44)}last words`; // 230 characters

  await newTaskField(page).fill(long);
  await expect(newTaskField(page)).toHaveValue(long);
  await expect(page.getByText("At most 200 characters (this has 230)")).toBeVisible();
  await expect(newTaskField(page)).toHaveAttribute("aria-invalid", "true");
  await newTaskField(page).press("Enter");
  await expect(newTaskField(page)).toHaveValue(long);
  expect(posts).toEqual([]);

  await taskRow(page, "Buy milk").getByText("Buy milk", { exact: true }).dblclick();
  await editor(page).fill(long);
  await expect(editor(page)).toHaveValue(long);
  await editor(page).press("Enter");
  await expect(editor(page)).toHaveValue(long);
  await expect(editor(page)).toHaveAttribute("aria-invalid", "true");
  await expect(taskRow(page, "Buy milk")).toContainText("At most 200 characters (this has 230)");
  expect(patches).toEqual([]);
  await editor(page).press("Escape");

  await taskRow(page, "Buy milk").getByRole("button", { name: "Details" }).click();
  const title = details(page).getByLabel("Title", { exact: true });
  await title.fill(long);
  await expect(title).toHaveValue(long);
  await expect(details(page).getByText("At most 200 characters (this has 230)")).toBeVisible();
  await details(page).getByRole("button", { name: "Save" }).click();
  await expect(title).toBeFocused();
  expect(patches).toEqual([]);
});

test("a right-to-left title's detail line runs right to left, and so does a right-to-left new task", async ({
  page,
  account,
  baseURL,
}) => {
  await seedTasks(page, baseURL as string, [
    {
      title: "לקנות חלב",
      priority: "high",
      due_at: "2030-05-17T09:30:00Z",
      tags: ["בית", "shopping"],
    },
  ]);
  await openTasks(page, account, ["Buy milk"]);
  await page.getByLabel("Sort by").selectOption("created");

  const meta = (title: string) => taskRow(page, title).locator(".task-meta");
  await expect(meta("לקנות חלב")).toHaveJSProperty("dir", "rtl");
  expect(await meta("לקנות חלב").evaluate((el) => getComputedStyle(el).direction)).toBe("rtl");
  expect(await meta("Buy milk").evaluate((el) => getComputedStyle(el).direction)).toBe("ltr");

  await newTaskField(page).fill("שלום");
  expect(await newTaskField(page).evaluate((el) => el.matches(":dir(rtl)"))).toBe(true);
});
