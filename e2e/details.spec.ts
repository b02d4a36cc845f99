// The task details panel (notes, priority, due date, tags; its validation and a refused change)
// and tags as links that filter the list. Each test has its own new account.
import { expect, seedTasks, taskRow, test } from "./fixtures.ts";
import {
  filterLink,
  listReady,
  ONE_TASK,
  openDetails,
  openTasks,
  problem,
  refuse,
  reload,
  responseTo,
  serverTasks,
  titles,
} from "./task-list.ts";

// --- details -----------------------------------------------------------------------------------

test("the details panel sets notes, priority, a due date and tags, kept after a reload", async ({
  page,
  account,
}) => {
  await openTasks(page, account, ["Buy milk"]);

  const dialog = await openDetails(page, "Buy milk");
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

  const dialog = await openDetails(page, "Buy milk");
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

  const dialog = await openDetails(page, "Buy milk");
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

// --- tags --------------------------------------------------------------------------------------

test("a tag is a link that filters the list by it; the toolbar shows and clears it", async ({
  page,
  account,
  baseURL,
}) => {
  void account;
  await seedTasks(page, baseURL as string, [
    { title: "Buy milk", tags: ["home", "errands"] },
    { title: "Write report", tags: ["work"] },
    { title: "Fix the sink", tags: ["home"] },
  ]);
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
