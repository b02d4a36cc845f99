// When the session ends under the open app (signed out everywhere from another device, or the
// cookie gone), any action takes the user to sign in and back to the same page, with what they
// were typing kept; an error is never shown as an empty list; and going offline is said out loud.
import type { Browser, Page } from "@playwright/test";
import {
  type Account,
  addTasks,
  expect,
  hydrated,
  newTaskField,
  taskRow,
  test,
} from "./fixtures.ts";

const editor = (page: Page) => page.getByRole("textbox", { name: "Edit task title" });
const filterLink = (page: Page, name: "All" | "Active" | "Completed") =>
  page.getByRole("navigation", { name: "Show" }).getByRole("link", { name, exact: true });

/** "Sign out everywhere" from a second device: this page's cookie stays, but is no longer valid. */
async function signOutEverywhereElsewhere(browser: Browser, baseURL: string, account: Account) {
  const other = await browser.newContext({ baseURL });
  try {
    const headers = { Origin: baseURL };
    const signedIn = await other.request.post("/api/auth/sign-in/email", {
      data: account,
      headers,
    });
    expect(signedIn.ok(), await signedIn.text()).toBe(true);
    const revoked = await other.request.post("/api/auth/revoke-sessions", { data: {}, headers });
    expect(revoked.ok(), await revoked.text()).toBe(true);
  } finally {
    await other.close();
  }
}

/** Records, from the first paint on, whether the page ever showed `text` (even for one frame). */
async function watchFor(page: Page, text: string) {
  await page.addInitScript((wanted) => {
    const w = window as unknown as { __seen?: boolean };
    w.__seen = false;
    new MutationObserver(() => {
      // biome-ignore lint/performance/useDomNodeTextContent: what is rendered, not hidden text
      if (document.body?.innerText.includes(wanted)) w.__seen = true;
    }).observe(document, { subtree: true, childList: true, characterData: true });
  }, text);
  return () => page.evaluate(() => (window as unknown as { __seen?: boolean }).__seen === true);
}

async function signInHere(page: Page, account: Account) {
  await hydrated(page.getByRole("button", { name: "Sign in" }));
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function openTasks(page: Page, titles: string[]) {
  await page.goto("/tasks");
  await addTasks(page, titles);
}

test.describe("an ended session takes the user to sign in, and back", () => {
  type Act = (page: Page) => Promise<void>;
  /** What the user does after the session ended, and what they had open before it did. */
  const actions: [string, Act, Act?][] = [
    ["ticking a task", (page) => taskRow(page, "Buy milk").getByRole("checkbox").click()],
    [
      "adding a task",
      async (page) => {
        await newTaskField(page).fill("Call mum");
        await newTaskField(page).press("Enter");
      },
    ],
    [
      "renaming a task",
      async (page) => {
        await taskRow(page, "Buy milk").getByText("Buy milk", { exact: true }).dblclick();
        await editor(page).fill("Buy oat milk");
        await editor(page).press("Enter");
      },
    ],
    [
      "saving the details panel",
      async (page) => {
        const details = page.getByRole("dialog", { name: "Task details" });
        await details.getByLabel("Notes").fill("Oat, not cow");
        await details.getByRole("button", { name: "Save" }).click();
      },
      // Opened while signed in (opening it reads the task's history from the API).
      async (page) => {
        await taskRow(page, "Buy milk").getByRole("button", { name: "Details" }).click();
        await expect(page.getByRole("dialog", { name: "Task details" })).toBeVisible();
      },
    ],
    [
      "deleting a task",
      async (page) => {
        await taskRow(page, "Buy milk").getByRole("button", { name: "Delete" }).click();
      },
    ],
  ];
  for (const [name, act, before] of actions) {
    test(`${name}`, async ({ page, account, browser, baseURL }) => {
      const sawEndpointText = await watchFor(page, "bearer token");
      await openTasks(page, ["Buy milk"]);
      await before?.(page);
      await signOutEverywhereElsewhere(browser, baseURL as string, account);
      await act(page);
      await expect(page).toHaveURL("/sign-in?next=%2Ftasks", { timeout: 10_000 });
      await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
      // The API's words for programs ("send a bearer token") never reach the person.
      expect(await sawEndpointText()).toBe(false);

      await signInHere(page, account);
      await expect(page).toHaveURL("/tasks");
      await expect(taskRow(page, "Buy milk")).toBeVisible();
    });
  }

  test("the Active filter after the cookie is gone: sign-in, never “All done!”", async ({
    page,
    account,
  }) => {
    const sawAllDone = await watchFor(page, "All done!");
    await openTasks(page, ["Buy milk", "Walk the dog"]);
    await page.context().clearCookies();
    await filterLink(page, "Active").click();
    await expect(page).toHaveURL("/sign-in?next=%2Ftasks%3Fstatus%3Dactive");
    expect(await sawAllDone()).toBe(false);

    await signInHere(page, account);
    await expect(page).toHaveURL("/tasks?status=active");
    await expect(page.locator("li.task .task-title")).toHaveText(["Buy milk", "Walk the dog"]);
  });

  test("exporting from Settings", async ({ page, account, browser, baseURL }) => {
    await page.goto("/settings");
    await hydrated(page.getByRole("button", { name: "Download CSV" }));
    await signOutEverywhereElsewhere(browser, baseURL as string, account);
    await page.getByRole("button", { name: "Download CSV" }).click();
    await expect(page).toHaveURL("/sign-in?next=%2Fsettings");
    await signInHere(page, account);
    await expect(page).toHaveURL("/settings");
  });

  test("text being typed survives the round trip: the new-task field and an open edit", async ({
    page,
    account,
  }) => {
    await openTasks(page, ["Buy milk", "Walk the dog"]);
    await page.context().clearCookies();
    await newTaskField(page).fill("Call mum");
    await taskRow(page, "Buy milk").getByText("Buy milk", { exact: true }).dblclick();
    await editor(page).fill("Buy oat milk");
    await editor(page).press("Enter"); // refused: the session has ended
    await expect(page).toHaveURL("/sign-in?next=%2Ftasks");

    await signInHere(page, account);
    await expect(page).toHaveURL("/tasks");
    await expect(newTaskField(page)).toHaveValue("Call mum");
    await expect(editor(page)).toHaveValue("Buy oat milk");
    await hydrated(editor(page));
    await editor(page).press("Enter");
    await expect(page.locator("li.task .task-title")).toHaveText(["Buy oat milk", "Walk the dog"]);
    await expect(page.locator("li.task input.check:disabled")).toHaveCount(0);
    const saved = await page.request.get("/api/me/tasks");
    const items = ((await saved.json()) as { items: { title: string }[] }).items;
    expect(items.map((t) => t.title)).toEqual(["Buy oat milk", "Walk the dog"]);

    // Kept once, not for ever: a reload starts clean.
    await page.reload();
    await hydrated(newTaskField(page));
    await expect(newTaskField(page)).toHaveValue("");
    await expect(editor(page)).toHaveCount(0);
  });

  test("a new task refused because the session ended is kept in the field", async ({
    page,
    account,
  }) => {
    await openTasks(page, ["Buy milk"]);
    await page.context().clearCookies();
    await newTaskField(page).fill("Call mum");
    await newTaskField(page).press("Enter");
    await expect(page).toHaveURL("/sign-in?next=%2Ftasks");
    await signInHere(page, account);
    await expect(page).toHaveURL("/tasks");
    await expect(newTaskField(page)).toHaveValue("Call mum");
  });
});

test("a list that cannot be loaded says so, and is never shown as empty", async ({
  page,
  account,
}) => {
  void account;
  const sawAllDone = await watchFor(page, "All done!");
  await openTasks(page, ["Buy milk"]);
  // The server refuses the Active list (the only thing routed: a refusal from the server).
  await page.route(
    (url) => url.pathname === "/api/me/tasks" && url.searchParams.get("status") === "pending",
    (route) =>
      route.fulfill({
        status: 500,
        contentType: "application/problem+json",
        body: JSON.stringify({ type: "about:blank", title: "Internal Server Error", status: 500 }),
      }),
  );
  await filterLink(page, "Active").click();
  const failure = page.getByRole("alert").filter({ hasText: "Couldn't load your tasks" });
  await expect(failure).toBeVisible({ timeout: 10_000 });
  expect(await sawAllDone()).toBe(false);

  await page.unrouteAll();
  await failure.getByRole("button", { name: "Try again" }).click();
  await expect(page.locator("li.task .task-title")).toHaveText(["Buy milk"]);
  await expect(failure).toHaveCount(0);
});

test("offline: the page says so, changes wait and are saved once back online", async ({
  page,
  account,
}) => {
  void account;
  await openTasks(page, ["Buy milk", "Walk the dog"]);
  const status = page.getByRole("status").filter({ hasText: /offline/i });
  await expect(status).toHaveCount(0);

  await page.context().setOffline(true);
  await expect(status).toBeVisible();
  await expect(status).toContainText("You're offline");

  await taskRow(page, "Buy milk").getByRole("checkbox").click();
  await expect(taskRow(page, "Buy milk").getByRole("checkbox")).toBeChecked();
  await expect(status).toContainText("1 change not saved yet");
  await newTaskField(page).fill("Pay rent");
  await newTaskField(page).press("Enter");
  await expect(status).toContainText("2 changes not saved yet");

  await page.context().setOffline(false);
  await expect(status).toHaveCount(0);
  await expect(page.locator("li.task input.check:disabled")).toHaveCount(0);
  await expect
    .poll(async () => {
      const response = await page.request.get("/api/me/tasks");
      const items = (
        (await response.json()) as { items: { title: string; is_completed: boolean }[] }
      ).items;
      return items.map((t) => `${t.title}:${t.is_completed}`);
    })
    .toEqual(["Buy milk:true", "Walk the dog:false", "Pay rent:false"]);
});
