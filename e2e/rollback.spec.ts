// Optimistic updates that roll back: a change the server refuses flips back with a message. The
// only thing ever routed in the browser is that refusal; each test has its own new account.
import { expect, newTaskField, taskRow, test } from "./fixtures.ts";
import {
  COMPLETE,
  checkbox,
  editor,
  itemsLeft,
  ONE_TASK,
  openTasks,
  problem,
  refuse,
  reload,
  serverTasks,
  titles,
} from "./task-list.ts";

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
