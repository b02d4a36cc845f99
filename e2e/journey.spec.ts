// The whole journey of a new user, through the UI only: sign up, add, complete, filter, edit,
// cancel an edit, delete and undo, and find everything as it was after a reload.
import type { Page } from "@playwright/test";
import { addTasks, expect, hydrated, newEmail, PASSWORD, taskRow, test } from "./fixtures.ts";

const titles = (page: Page) => page.locator("li.task .task-title");

/** A promise of the next response to `method` on an API path matching `path`. */
const responseTo = (page: Page, method: string, path: RegExp) =>
  page.waitForResponse(
    (response) =>
      response.request().method() === method && path.test(new URL(response.url()).pathname),
  );

test("sign up, manage tasks, and find everything after a reload", async ({ page }) => {
  // Sign up through the page.
  await page.goto("/sign-up");
  // Wait for React: a click before hydration would submit the form the browser's way.
  const createAccount = page.getByRole("button", { name: "Create account" });
  await hydrated(createAccount);
  await page.getByLabel("Email").fill(newEmail("journey"));
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await createAccount.click();
  await page.waitForURL((url) => url.pathname === "/tasks");
  await expect(page.getByText("Nothing to do yet")).toBeVisible();

  // Three tasks, in the order they were added.
  await addTasks(page, ["Buy milk", "Walk the dog", "Pay rent"]);
  await expect(titles(page)).toHaveText(["Buy milk", "Walk the dog", "Pay rent"]);
  await expect(page.locator(".list-footer [aria-live]")).toHaveText("3 items left");

  // Complete one.
  const completed = responseTo(page, "PATCH", /\/complete$/);
  await taskRow(page, "Walk the dog").getByRole("checkbox").click();
  expect((await completed).ok()).toBe(true);
  await expect(taskRow(page, "Walk the dog").getByRole("checkbox")).toBeChecked();
  await expect(taskRow(page, "Walk the dog")).toHaveAttribute("data-completed", "true");
  await expect(page.locator(".list-footer [aria-live]")).toHaveText("2 items left");

  // Each filter shows the right tasks, and says so in the URL.
  const filters = page.getByRole("navigation", { name: "Show" });
  await filters.getByRole("link", { name: "Active", exact: true }).click();
  await expect(page).toHaveURL(/[?&]status=active\b/);
  await expect(titles(page)).toHaveText(["Buy milk", "Pay rent"]);
  await expect(filters.getByRole("link", { name: "Active", exact: true })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await filters.getByRole("link", { name: "Completed", exact: true }).click();
  await expect(page).toHaveURL(/[?&]status=completed\b/);
  await expect(titles(page)).toHaveText(["Walk the dog"]);
  await filters.getByRole("link", { name: "All", exact: true }).click();
  await expect(page).not.toHaveURL(/status=/);
  await expect(titles(page)).toHaveText(["Buy milk", "Walk the dog", "Pay rent"]);

  // Edit in place: double-click, type, Enter.
  await taskRow(page, "Buy milk").getByText("Buy milk", { exact: true }).dblclick();
  const editor = page.getByRole("textbox", { name: "Edit task title" });
  await expect(editor).toBeFocused();
  await expect(editor).toHaveValue("Buy milk");
  await editor.fill("Buy oat milk");
  const renamed = responseTo(page, "PATCH", /^\/api\/me\/tasks\/\d+$/);
  await editor.press("Enter");
  expect((await renamed).ok()).toBe(true);
  await expect(editor).toBeHidden();
  await expect(titles(page)).toHaveText(["Buy oat milk", "Walk the dog", "Pay rent"]);

  // Escape cancels an edit.
  await taskRow(page, "Pay rent").getByText("Pay rent", { exact: true }).dblclick();
  await expect(editor).toBeFocused();
  await editor.fill("Something else entirely");
  await editor.press("Escape");
  await expect(editor).toBeHidden();
  await expect(titles(page)).toHaveText(["Buy oat milk", "Walk the dog", "Pay rent"]);

  // Delete, then Undo from the toast.
  await taskRow(page, "Pay rent").getByRole("button", { name: "Delete" }).click();
  await expect(taskRow(page, "Pay rent")).toHaveCount(0);
  await expect(page.getByText("Task deleted")).toBeVisible();
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(titles(page)).toHaveText(["Buy oat milk", "Walk the dog", "Pay rent"]);

  // After a reload: the titles, the completion, and the task whose delete was undone.
  await page.reload();
  await expect(titles(page)).toHaveText(["Buy oat milk", "Walk the dog", "Pay rent"]);
  await expect(taskRow(page, "Walk the dog").getByRole("checkbox")).toBeChecked();
  await expect(taskRow(page, "Buy oat milk").getByRole("checkbox")).not.toBeChecked();
  await expect(taskRow(page, "Pay rent").getByRole("checkbox")).not.toBeChecked();
  await expect(page.locator(".list-footer [aria-live]")).toHaveText("2 items left");
});
