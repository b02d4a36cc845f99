import { addTasks, expect, taskRow, test } from "./fixtures.ts";

test("a new account adds a task and it is still there after a reload", async ({
  page,
  account,
}) => {
  void account;
  await page.goto("/tasks");
  await expect(page.getByRole("textbox", { name: "New task" })).toBeFocused();
  await addTasks(page, ["Buy milk"]);
  await page.reload();
  await expect(taskRow(page, "Buy milk")).toBeVisible();
});
