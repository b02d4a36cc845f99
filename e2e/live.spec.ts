// Live updates: the same user on two devices (two browser contexts, each its own cookie). What is
// done on one shows on the other within two seconds of reaching the server, with no reload; and a
// device that was offline catches up when it is back.
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
import { COMPLETE, checkbox, editor, ONE_TASK, responseTo, titles } from "./task-list.ts";

const SOON = { timeout: 2000 };
// Two pages in one test.
test.describe.configure({ timeout: 60_000 });

const statusLine = (page: Page) => page.locator(".app-status");

/** The page's event stream is open (the status line says nothing about reconnecting). */
const streaming = (page: Page) =>
  page.waitForResponse((response) => new URL(response.url()).pathname === "/api/me/events");

/** The same account signed in on another device, on the task list. */
async function otherDevice(browser: Browser, baseURL: string, account: Account): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const signedIn = await context.request.post("/api/auth/sign-in/email", {
    data: account,
    headers: { Origin: baseURL },
  });
  expect(signedIn.ok(), await signedIn.text()).toBe(true);
  const page = await context.newPage();
  const opened = streaming(page);
  await page.goto("/tasks");
  await hydrated(newTaskField(page));
  await opened;
  return page;
}

/** This page on the task list with its stream open, and the same account on another device. */
async function twoDevices(page: Page, browser: Browser, baseURL: string, account: Account) {
  const opened = streaming(page);
  await page.goto("/tasks");
  await opened;
  return otherDevice(browser, baseURL, account);
}

test("add, complete, edit, delete and clear completed on one device show on the other", async ({
  page,
  browser,
  baseURL,
  account,
}) => {
  const other = await twoDevices(page, browser, baseURL as string, account);

  await addTasks(page, ["Buy milk", "Walk the dog", "Call mum"]);
  await expect(titles(other)).toHaveText(["Buy milk", "Walk the dog", "Call mum"], SOON);

  const completed = responseTo(page, "PATCH", COMPLETE);
  await checkbox(page, "Buy milk").click();
  await completed;
  await expect(checkbox(other, "Buy milk")).toBeChecked(SOON);

  await taskRow(page, "Walk the dog").getByText("Walk the dog", { exact: true }).dblclick();
  await editor(page).fill("Walk the cat");
  const edited = responseTo(page, "PATCH", ONE_TASK);
  await editor(page).press("Enter");
  await edited;
  await expect(titles(other)).toHaveText(["Buy milk", "Walk the cat", "Call mum"], SOON);

  const deleted = responseTo(page, "DELETE", ONE_TASK);
  await taskRow(page, "Call mum").getByText("Call mum", { exact: true }).dblclick();
  await editor(page).fill("");
  await editor(page).press("Enter");
  await deleted;
  await expect(titles(other)).toHaveText(["Buy milk", "Walk the cat"], SOON);

  const cleared = responseTo(page, "POST", /^\/api\/me\/tasks\/bulk$/);
  await page.getByRole("button", { name: "Clear completed (1)" }).click();
  await cleared;
  await expect(titles(other)).toHaveText(["Walk the cat"], SOON);

  // And the other way round.
  await addTasks(other, ["From the phone"]);
  await expect(titles(page)).toHaveText(["Walk the cat", "From the phone"], SOON);
  await other.context().close();
});

test("a device that was offline catches up when it is back, and said it was reconnecting", async ({
  page,
  browser,
  baseURL,
  account,
}) => {
  const other = await twoDevices(page, browser, baseURL as string, account);

  await other.context().setOffline(true);
  await addTasks(page, ["Made while you were away", "And this"]);
  await expect(statusLine(other)).toContainText(/offline|Reconnecting/);
  await other.context().setOffline(false);
  await expect(titles(other)).toHaveText(["Made while you were away", "And this"], {
    timeout: 5000,
  });
  await expect(statusLine(other)).toHaveText("");
  await other.context().close();
});

test("two tabs of one browser share one event stream; when its tab closes, the other takes it over", async ({
  page,
  account,
}) => {
  void account; // signed up and signed in by the fixture
  const context = page.context();
  let streamsOpened = 0;
  context.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/me/events") streamsOpened++;
  });
  const opened = streaming(page);
  await page.goto("/tasks");
  await opened;
  const second = await context.newPage();
  await second.goto("/tasks");
  await hydrated(newTaskField(second));

  // The second tab gets the first tab's changes from it, not from a stream of its own.
  await addTasks(page, ["Shared between tabs"]);
  await expect(titles(second)).toHaveText(["Shared between tabs"], SOON);
  expect(streamsOpened).toBe(1);

  // The tab holding the stream closes: the other opens one and catches up from where it was.
  const reopened = streaming(second);
  await page.close();
  await reopened;
  const changed = await second.request.post("/api/me/tasks", {
    data: { title: "After the hand-over" },
    headers: { Origin: new URL(second.url()).origin },
  });
  expect(changed.status()).toBe(201);
  await expect(titles(second)).toHaveText(["Shared between tabs", "After the hand-over"], SOON);
  expect(streamsOpened).toBe(2);
});
