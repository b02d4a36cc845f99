// Undo and redo through the server's change log: Ctrl+Z undoes this page's changes one by one,
// newest first, Ctrl+Shift+Z redoes them, after a reload too; a deleted task comes back with its
// id; a change whose task changed since is not undone, and says why; the details show the history.
import type { Page } from "@playwright/test";
import { expect, taskRow, test } from "./fixtures.ts";
import {
  COMPLETE,
  checkbox,
  details,
  editor,
  ONE_TASK,
  openTasks,
  reload,
  responseTo,
  serverTasks,
  titles,
} from "./task-list.ts";

const UNDO = /^\/api\/me\/changes\/\d+\/undo$/;

/** Ctrl+Z (or Ctrl+Shift+Z) with a row focused, as a person does outside the text fields. */
async function press(page: Page, keys: string, on = "Walk the dog") {
  await taskRow(page, on).focus();
  const undone = responseTo(page, "POST", UNDO);
  await page.keyboard.press(keys);
  expect((await undone).status()).toBe(200);
}

test("Ctrl+Z undoes a delete, an edit and a tick in turn; Ctrl+Shift+Z redoes, after a reload too", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Buy milk", "Walk the dog"]);
  const [milk] = await serverTasks(page);

  let saved = responseTo(page, "PATCH", COMPLETE);
  await checkbox(page, "Buy milk").click();
  await saved;
  await taskRow(page, "Walk the dog").getByText("Walk the dog", { exact: true }).dblclick();
  await editor(page).fill("Walk the cat");
  saved = responseTo(page, "PATCH", ONE_TASK);
  await editor(page).press("Enter");
  await saved;
  saved = responseTo(page, "DELETE", ONE_TASK);
  await taskRow(page, "Buy milk").getByRole("button", { name: "Delete" }).click();
  await saved;
  await expect(titles(page)).toHaveText(["Walk the cat"]);

  await press(page, "Control+z", "Walk the cat");
  await expect(titles(page)).toHaveText(["Buy milk", "Walk the cat"]);
  expect((await serverTasks(page)).map((t) => t.id)).toContain(milk?.id); // the same task
  await press(page, "Control+z", "Walk the cat");
  await expect(titles(page)).toHaveText(["Buy milk", "Walk the dog"]);
  await reload(page);
  await press(page, "Control+z");
  await expect(checkbox(page, "Buy milk")).not.toBeChecked();

  await press(page, "Control+Shift+z");
  await expect(checkbox(page, "Buy milk")).toBeChecked();
  await reload(page);
  await expect(checkbox(page, "Buy milk")).toBeChecked();
});

test("Undo in a delete's toast brings the task back with its id and fields", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Buy milk"]);
  const [before] = await serverTasks(page);
  const deleted = responseTo(page, "DELETE", ONE_TASK);
  await taskRow(page, "Buy milk").getByRole("button", { name: "Delete" }).click();
  await deleted;
  const undone = responseTo(page, "POST", UNDO);
  await page.getByRole("button", { name: "Undo" }).click();
  expect((await undone).status()).toBe(200);
  await expect(titles(page)).toHaveText(["Buy milk"]);
  const [after] = await serverTasks(page);
  expect(after).toMatchObject({
    id: before?.id,
    title: "Buy milk",
    created_at: before?.created_at,
  });
});

test("a change whose task changed elsewhere since is not undone, and the page says so", async ({
  page,
  account,
  baseURL,
}) => {
  await openTasks(page, account, ["Buy milk", "Walk the dog"]);
  const saved = responseTo(page, "PATCH", COMPLETE);
  await checkbox(page, "Buy milk").click();
  await saved;
  const [milk] = await serverTasks(page);
  // Renamed on another device.
  const renamed = await page.request.patch(`/api/me/tasks/${milk?.id}`, {
    data: { title: "Buy oat milk" },
    headers: { Origin: baseURL as string },
  });
  expect(renamed.ok()).toBe(true);
  await expect(titles(page)).toHaveText(["Buy oat milk", "Walk the dog"]);

  await taskRow(page, "Walk the dog").focus();
  const refused = responseTo(page, "POST", UNDO);
  await page.keyboard.press("Control+z");
  expect((await refused).status()).toBe(409);
  await expect(page.getByText(/Couldn't undo/)).toBeVisible();
  await expect(checkbox(page, "Buy oat milk")).toBeChecked();
});

test("a task's details show its history, newest first", async ({ page, account }) => {
  await openTasks(page, account, ["Buy milk"]);
  await taskRow(page, "Buy milk").getByText("Buy milk", { exact: true }).dblclick();
  await editor(page).fill("Buy oat milk");
  const saved = responseTo(page, "PATCH", ONE_TASK);
  await editor(page).press("Enter");
  await saved;
  await taskRow(page, "Buy oat milk").getByRole("button", { name: "Details" }).click();
  const history = details(page).getByRole("region", { name: "History" });
  await expect(history.getByRole("listitem")).toHaveCount(2);
  await expect(history.getByRole("listitem").first()).toContainText("Renamed to “Buy oat milk”");
  await expect(history.getByRole("listitem").last()).toContainText("Created");
});
