// Account settings: password, sessions, export, and deleting the account.
import { readFile } from "node:fs/promises";
import type { Download, Page } from "@playwright/test";
import { addTasks, expect, hydrated, signOut, taskRow, test } from "./fixtures.ts";

const settingsAlert = (page: Page, text: string | RegExp) =>
  page.getByRole("alert").filter({ hasText: text });

async function trySignIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await hydrated(page.getByRole("button", { name: "Sign in" }));
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The settings page, ready for clicks. */
async function openSettings(page: Page) {
  await page.goto("/settings");
  await hydrated(page.getByRole("button", { name: "Delete account…" }));
}

async function readDownload(download: Download) {
  const path = await download.path();
  return readFile(path, "utf8");
}

test("changing the password: the wrong current one is refused, then the new one works", async ({
  page,
  account,
}) => {
  const newPassword = "a brand new passphrase for this test";
  await openSettings(page);
  const current = page.getByLabel("Current password");
  const next = page.getByLabel("New password");

  await current.fill("not my password at all");
  await next.fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(settingsAlert(page, "That is not your current password.")).toBeVisible();
  await expect(current).toHaveAttribute("aria-invalid", "true");
  await expect(current).toHaveAccessibleDescription("That is not your current password.");
  await expect(next).not.toHaveAttribute("aria-invalid", "true");

  await current.fill(account.password);
  await next.fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Other devices were signed out.")).toBeVisible();
  await expect(current).toHaveValue("");
  await expect(current).not.toHaveAttribute("aria-invalid", "true");
  await expect(settingsAlert(page, "That is not your current password.")).toHaveCount(0);
  // This device stays signed in.
  await page.goto("/tasks");
  await expect(page).toHaveURL("/tasks");

  await signOut(page);
  await trySignIn(page, account.email, account.password);
  await expect(settingsAlert(page, "Wrong email or password.")).toBeVisible();
  await expect(page).toHaveURL("/sign-in");
  await trySignIn(page, account.email, newPassword);
  await expect(page).toHaveURL("/tasks");
});

test("a new password that is too short or too common is refused next to the field", async ({
  page,
  account,
}) => {
  await openSettings(page);
  const next = page.getByLabel("New password");
  await page.getByLabel("Current password").fill(account.password);
  await next.fill("short");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(settingsAlert(page, "Use at least 8 characters.")).toBeVisible();
  await expect(next).toHaveAttribute("aria-invalid", "true");

  await next.fill("password1");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(settingsAlert(page, "commonly used passwords")).toBeVisible();
  await expect(next).toHaveAttribute("aria-invalid", "true");
  await expect(next).toHaveAccessibleDescription(/commonly used passwords/);
});

test("sign out everywhere ends this session and the one on another device", async ({
  page,
  account,
  browser,
  baseURL,
}) => {
  // The same user, signed in on a second device.
  const other = await browser.newContext({ baseURL });
  try {
    const signedIn = await other.request.post("/api/auth/sign-in/email", {
      data: account,
      headers: { Origin: baseURL as string },
    });
    expect(signedIn.ok(), await signedIn.text()).toBe(true);
    const otherPage = await other.newPage();
    await otherPage.goto("/tasks");
    await expect(otherPage).toHaveURL("/tasks");
    await expect(otherPage.getByRole("textbox", { name: "New task" })).toBeVisible();

    await openSettings(page);
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page).toHaveURL("/sign-in");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await page.goto("/tasks");
    await expect(page).toHaveURL("/sign-in?next=%2Ftasks");

    // The other device is signed out too: its cookie no longer opens the task list or the API.
    await otherPage.goto("/tasks");
    await expect(otherPage).toHaveURL("/sign-in?next=%2Ftasks");
    expect((await other.request.get("/api/me/tasks")).status()).toBe(401);
    await otherPage.goto("/settings");
    await expect(otherPage).toHaveURL(/\/sign-in\?next=(%2F|\/)settings$/);
  } finally {
    await other.close();
  }
});

test("export as JSON and as CSV holds every task, CSV escaped", async ({ page, account }) => {
  void account;
  const tricky = 'Say "hi", then leave';
  const formula = "=HYPERLINK(1)";
  const titles = ["Buy milk", tricky, "Plain task", formula];
  await page.goto("/tasks");
  await addTasks(page, titles);
  await taskRow(page, "Buy milk").getByRole("checkbox").check();
  await expect(taskRow(page, "Buy milk")).toHaveAttribute("data-completed", "true");
  const ownTasks = (
    (await (await page.request.get("/api/me/tasks")).json()) as { items: { id: number }[] }
  ).items;
  expect(ownTasks).toHaveLength(titles.length);

  await openSettings(page);
  let downloaded = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download JSON" }).click();
  let download = await downloaded;
  expect(download.suggestedFilename()).toMatch(/^tasks-\d{4}-\d{2}-\d{2}\.json$/);
  const json = JSON.parse(await readDownload(download)) as {
    id: number;
    title: string;
    is_completed: boolean;
  }[];
  expect(json.map((t) => t.title).sort()).toEqual([...titles].sort());
  expect(json.map((t) => t.id).sort()).toEqual(ownTasks.map((t) => t.id).sort());
  expect(json.find((t) => t.title === "Buy milk")?.is_completed).toBe(true);
  expect(json.find((t) => t.title === "Plain task")?.is_completed).toBe(false);
  await expect(page.getByText("Exported 4 tasks.")).toBeVisible();

  downloaded = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download CSV" }).click();
  download = await downloaded;
  expect(download.suggestedFilename()).toMatch(/^tasks-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = (await readDownload(download)).replace(/^\uFEFF/, "");
  const lines = csv.split("\r\n");
  expect(lines[0]).toBe(
    "id,title,description,is_completed,completed_at,priority,due_at,tags,created_at,updated_at",
  );
  expect(lines.at(-1)).toBe(""); // ends with a line break
  expect(lines).toHaveLength(titles.length + 2);
  // A comma and a quote: the field is quoted and the quote doubled (RFC 4180).
  expect(csv).toContain(`,"Say ""hi"", then leave",`);
  // A leading = is defused so a spreadsheet shows it instead of running it.
  expect(csv).toContain(`,'=HYPERLINK(1),`);
  const milk = lines.find((line) => line.includes(",Buy milk,"));
  expect(milk).toMatch(/^\d+,Buy milk,,true,\d{4}-\d{2}-\d{2}T[^,]+,none,,,/);
  expect(lines.find((line) => line.includes(",Plain task,"))).toMatch(
    /^\d+,Plain task,,false,,none,,,/,
  );
});

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += c;
  }
  return records;
}

test("CSV export opens in a spreadsheet as it is: UTF-8 marked, tags that round-trip", async ({
  page,
  account,
  baseURL,
}) => {
  void account;
  const tasks = [
    { title: "Café crème für Zoë ☕", tags: ["maison", "größe"] },
    { title: "Tags with separators", tags: ["big project", "a,b", "semi;colon", 'say "hi"'] },
    { title: "日本語のタスク", tags: [] },
  ];
  for (const task of tasks) {
    const response = await page.request.post("/api/me/tasks", {
      data: task,
      headers: { Origin: baseURL as string },
    });
    expect(response.status(), await response.text()).toBe(201);
  }
  await openSettings(page);
  const downloaded = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download CSV" }).click();
  const bytes = await readFile(await (await downloaded).path());
  // Excel reads a CSV without a byte order mark in the system's legacy code page.
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, ...rows] = parseCsv(bytes.toString("utf8").slice(1));
  const column = (name: string) => (header as string[]).indexOf(name);
  expect(rows).toHaveLength(tasks.length);
  for (const task of tasks) {
    const row = rows.find((r) => r[column("title")] === task.title);
    expect(row, task.title).toBeDefined();
    const cell = (row as string[])[column("tags")] as string;
    // One tag a line: a tag can hold spaces and commas but never a line break (the API refuses
    // control characters), so splitting on line breaks gives back exactly the tags.
    expect(cell === "" ? [] : cell.split("\n"), task.title).toEqual(task.tags);
  }
});

test("deleting the account: a wrong password is refused, the right one deletes it", async ({
  page,
  account,
}) => {
  await page.goto("/tasks");
  await addTasks(page, ["Soon gone"]);
  await openSettings(page);
  await page.getByRole("button", { name: "Delete account…" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete your account?" });
  await expect(dialog).toBeVisible();
  const password = dialog.getByLabel("Password");

  await password.fill("not my password");
  await dialog.getByRole("button", { name: "Delete for good" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("That password is not right.");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(password).toHaveAccessibleDescription("That password is not right.");
  await expect(dialog).toBeVisible();

  await password.fill(account.password);
  await dialog.getByRole("button", { name: "Delete for good" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByText("Your account and all your tasks were deleted.")).toBeVisible();
  await expect(
    page.getByRole("main").getByRole("link", { name: "Create a free account" }),
  ).toBeVisible();
  await page.goto("/tasks");
  await expect(page).toHaveURL("/sign-in?next=%2Ftasks");

  await trySignIn(page, account.email, account.password);
  await expect(settingsAlert(page, "Wrong email or password.")).toBeVisible();
  await expect(page).toHaveURL("/sign-in");
});

test.describe("before the page's script has run", () => {
  test.use({ javaScriptEnabled: false });

  test("submitting the change-password form does not put passwords in the URL", async ({
    page,
    account,
  }) => {
    await page.goto("/settings");
    await page.getByLabel("Current password").fill(account.password);
    await page.getByLabel("New password").fill("another secret passphrase");
    const navigated = page.waitForEvent("framenavigated");
    await page.getByRole("button", { name: "Change password" }).click();
    await navigated;
    const search = decodeURIComponent(new URL(page.url()).search.replaceAll("+", " "));
    expect(search).not.toContain(account.password);
    expect(search).not.toContain("another secret passphrase");
  });
});
