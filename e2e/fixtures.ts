// Shared by the browser tests: a new account per test (made through the real API, signed in in
// the page's browser context), and small helpers that drive the task list the way a person does.
import { randomUUID } from "node:crypto";
import {
  type APIRequestContext,
  test as base,
  expect,
  type Locator,
  type Page,
} from "@playwright/test";

export const PASSWORD = "correct horse battery staple";

export interface Account {
  email: string;
  password: string;
}

export const newEmail = (label = "user") => `${label}-${randomUUID().slice(0, 8)}@example.com`;

export const test = base.extend<{ account: Account }>({
  account: async ({ page, baseURL }, use) => {
    const account = { email: newEmail(), password: PASSWORD };
    // Better Auth refuses a cookie-changing POST without a trusted Origin, as a browser sends.
    const response = await page.request.post("/api/auth/sign-up/email", {
      data: account,
      headers: { Origin: baseURL as string },
    });
    expect(response.ok(), await response.text()).toBe(true);
    await use(account);
  },
});
export { expect };

/** React has hydrated this element: its handlers are attached, so a click or a key reaches them
 * (before that, a form would be submitted by the browser itself). */
export async function hydrated(locator: Locator) {
  await expect
    .poll(() =>
      locator.evaluate((element) => Object.keys(element).some((k) => k.startsWith("__reactProps"))),
    )
    .toBe(true);
}

/** Signs in through the sign-in page, as a person would. */
export async function signIn(page: Page, account: Account, next = "/tasks") {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await hydrated(page.getByRole("button", { name: "Sign in" }));
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === next.split("?")[0]);
}

export const newTaskField = (page: Page) => page.getByRole("textbox", { name: "New task" });
export const taskRows = (page: Page) => page.getByRole("list").first().getByRole("listitem");
export const taskRow = (page: Page, title: string) =>
  page.locator("li.task").filter({ has: page.getByText(title, { exact: true }) });

/** Types each title into the new-task field and presses Enter, then waits for the server to
 * confirm them all (a row being saved has its checkbox disabled). */
export async function addTasks(page: Page, titles: string[]) {
  await hydrated(newTaskField(page));
  for (const title of titles) {
    await newTaskField(page).fill(title);
    await newTaskField(page).press("Enter");
  }
  await expect(page.locator("li.task input.check:disabled")).toHaveCount(0);
}

/** Makes these tasks through the API with the page's session (as `origin`, which it requires of a
 * cookie-authenticated write): `together` at a time, so 1, the default, keeps their order. */
export async function seedTasks(
  page: Page,
  origin: string,
  tasks: readonly object[],
  together = 1,
) {
  for (let i = 0; i < tasks.length; i += together) {
    await Promise.all(
      tasks.slice(i, i + together).map(async (data) => {
        const response = await page.request.post("/api/me/tasks", {
          data,
          headers: { Origin: origin },
        });
        expect(response.status(), await response.text()).toBe(201);
      }),
    );
  }
}

/** Makes an account through the API in a request context of its own, so the page stays signed
 * out (use the `request` fixture, whose cookies are not the page's). */
export async function createAccount(
  request: APIRequestContext,
  baseURL: string,
  label = "user",
  password = PASSWORD,
): Promise<Account> {
  const account = { email: newEmail(label), password };
  const response = await request.post("/api/auth/sign-up/email", {
    data: account,
    headers: { Origin: baseURL },
  });
  expect(response.ok(), await response.text()).toBe(true);
  return account;
}

/** Signs out from the Settings page, with its "Sign out" button. */
export async function signOut(page: Page) {
  await page.goto("/settings");
  await hydrated(page.getByRole("button", { name: "Sign out", exact: true }));
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.waitForURL((url) => url.pathname === "/sign-in");
}
