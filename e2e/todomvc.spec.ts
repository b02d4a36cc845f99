// The TodoMVC behaviours, one test each: adding, completing, editing, toggle all, clear completed,
// the counter and the filters. Each test has its own new account (the app's own extras are in
// details, list, shortcuts and rollback.spec.ts).
import { addTasks, expect, newTaskField, taskRow, test } from "./fixtures.ts";
import {
  COMPLETE,
  checkbox,
  editor,
  filterLink,
  itemsLeft,
  ONE_TASK,
  openTasks,
  reload,
  responseTo,
  rows,
  serverTasks,
  titles,
} from "./task-list.ts";

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

test("saving an empty title deletes the task, with Undo offered for 5 seconds", async ({
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
  // The server is told at once; Undo asks it to put the task back (e2e/undo.spec.ts).
  expect((await deleted).status()).toBe(204);
  await expect(page.getByText("Task deleted")).toBeVisible();
  await expect(page.getByRole("button", { name: "Undo" })).toBeVisible();
  await expect(itemsLeft(page)).toHaveText("1 item left");

  // The toast goes after 5 seconds.
  await page.waitForTimeout(5500);
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
