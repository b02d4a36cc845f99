// The task list beyond TodoMVC: search and sort kept in the URL, paging as the list scrolls, and
// empty states. Each test has its own new account.
import { addTasks, expect, seedTasks, test } from "./fixtures.ts";
import {
  COMPLETE,
  checkbox,
  filterLink,
  itemsLeft,
  listReady,
  openTasks,
  reload,
  responseTo,
  rows,
  searchField,
  titles,
} from "./task-list.ts";

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
  await seedTasks(
    page,
    baseURL as string,
    all.map((title) => ({ title })),
    20,
  );

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
