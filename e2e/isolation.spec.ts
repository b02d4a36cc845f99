// One user's tasks are theirs alone: another user neither sees them nor reaches them by URL.
import {
  addTasks,
  expect,
  hydrated,
  newEmail,
  PASSWORD,
  signIn,
  signOut,
  taskRow,
  test,
} from "./fixtures.ts";

interface TaskJson {
  id: number;
  title: string;
  description: string;
  is_completed: boolean;
  version: number;
}

test("user B sees none of user A's tasks and cannot reach them by URL", async ({
  page,
  account: userA,
  baseURL,
}) => {
  const origin = { Origin: baseURL as string };
  const titles = ["A: private plan", "A: dentist at 9", "A: birthday present for B"];

  // User A adds tasks through the UI.
  await page.goto("/tasks");
  await addTasks(page, titles);
  for (const title of titles) await expect(taskRow(page, title)).toBeVisible();
  const me = await page.request.get("/api/me");
  expect(me.ok()).toBe(true);
  const userAId = ((await me.json()) as { id: string }).id;
  const listed = await page.request.get("/api/me/tasks");
  expect(listed.ok()).toBe(true);
  const tasksOfA = ((await listed.json()) as { items: TaskJson[] }).items;
  expect(tasksOfA.map((t) => t.title).sort()).toEqual([...titles].sort());
  const target = tasksOfA[0] as TaskJson;

  // A signs out; B signs up through the sign-up page.
  await signOut(page);
  await page.goto("/tasks");
  await expect(page).toHaveURL("/sign-in?next=%2Ftasks");
  const userB = { email: newEmail("b"), password: PASSWORD };
  await page.goto("/sign-up");
  await hydrated(page.getByRole("button", { name: "Create account" }));
  await page.getByLabel("Email").fill(userB.email);
  await page.getByLabel("Password", { exact: true }).fill(userB.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL("/tasks");
  await expect(page.getByText("Nothing to do yet")).toBeVisible();
  for (const title of titles) await expect(page.getByText(title)).toHaveCount(0);
  // Searching for A's words finds nothing either.
  await page.goto(`/tasks?q=${encodeURIComponent("A:")}`);
  await expect(page.getByText("No tasks match")).toBeVisible();
  await expect(page.locator("li.task")).toHaveCount(0);

  const meB = (await (await page.request.get("/api/me")).json()) as { id: string; email: string };
  expect(meB.email).toBe(userB.email);
  expect(meB.id).not.toBe(userAId);

  // A's task URLs, from B's browser context: nothing to see, change or delete.
  const own = `/api/me/tasks/${target.id}`;
  const theirs = `/api/${userAId}/tasks`;
  const attempts = [
    ["GET", own, await page.request.get(own)],
    [
      "PATCH",
      own,
      await page.request.patch(own, { data: { title: "B was here" }, headers: origin }),
    ],
    ["PUT", own, await page.request.put(own, { data: { title: "B was here" }, headers: origin })],
    [
      "PATCH complete",
      `${own}/complete`,
      await page.request.patch(`${own}/complete`, { headers: origin }),
    ],
    ["DELETE", own, await page.request.delete(own, { headers: origin })],
    [
      "bulk delete",
      "/api/me/tasks/bulk",
      await page.request.post("/api/me/tasks/bulk", {
        data: { action: "delete", ids: tasksOfA.map((t) => t.id) },
        headers: origin,
      }),
    ],
    ["GET list", theirs, await page.request.get(theirs)],
    ["GET one", `${theirs}/${target.id}`, await page.request.get(`${theirs}/${target.id}`)],
    [
      "PATCH one",
      `${theirs}/${target.id}`,
      await page.request.patch(`${theirs}/${target.id}`, {
        data: { title: "B was here" },
        headers: origin,
      }),
    ],
    [
      "DELETE one",
      `${theirs}/${target.id}`,
      await page.request.delete(`${theirs}/${target.id}`, { headers: origin }),
    ],
    [
      "POST",
      theirs,
      await page.request.post(theirs, { data: { title: "planted by B" }, headers: origin }),
    ],
    ["stats", `${theirs}/stats`, await page.request.get(`${theirs}/stats`)],
  ] as const;
  for (const [what, url, response] of attempts) {
    const body = await response.text();
    expect([403, 404], `${what} ${url} answered ${response.status()}: ${body}`).toContain(
      response.status(),
    );
    // Nothing of A's leaks into the answer.
    for (const title of titles) expect(body, `${what} ${url}`).not.toContain(title);
  }
  // /api/me/... is B's own space: A's id there is simply not found; A's user id is forbidden.
  expect(attempts.find(([what]) => what === "GET")?.[2].status()).toBe(404);
  expect(attempts.find(([what]) => what === "GET list")?.[2].status()).toBe(403);
  // B's own list is still empty: nothing was planted on either side.
  const listB = (await (await page.request.get("/api/me/tasks")).json()) as { items: TaskJson[] };
  expect(listB.items).toEqual([]);

  // A signs back in: every task is there, unchanged.
  await signOut(page);
  await signIn(page, userA);
  for (const title of titles) await expect(taskRow(page, title)).toBeVisible();
  await expect(page.locator("li.task")).toHaveCount(titles.length);
  await expect(page.locator("li.task input.check:checked")).toHaveCount(0);
  const after = (await (await page.request.get("/api/me/tasks")).json()) as { items: TaskJson[] };
  expect(after.items).toEqual(tasksOfA);
});
