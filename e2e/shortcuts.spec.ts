// The task list's keyboard shortcuts (n, /, j, k, x, e, Delete, ?), and none while typing. Each
// test has its own new account.
import { expect, newTaskField, taskRow, test } from "./fixtures.ts";
import {
  blur,
  COMPLETE,
  checkbox,
  editor,
  itemsLeft,
  ONE_TASK,
  openTasks,
  reload,
  responseTo,
  searchField,
  titles,
} from "./task-list.ts";

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
