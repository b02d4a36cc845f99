// Accessibility (axe, WCAG 2.1 A and AA) on every page, light and dark, at phone and desktop sizes,
// with a screenshot of each; and the security headers and a CSP that the app itself never trips.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AxeBuilder } from "@axe-core/playwright";
import type { APIRequestContext, Page, TestInfo } from "@playwright/test";
import { addTasks, expect, hydrated, newEmail, taskRow, test } from "./fixtures.ts";

const SCREENSHOTS = fileURLToPath(new URL("../test-results/screenshots/", import.meta.url));
const THEMES = ["light", "dark"] as const;
type Theme = (typeof THEMES)[number];
const SIZES = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
] as const;
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** One line per violation and element: rule, impact, selector, and axe's own explanation. */
async function axeViolations(page: Page, where: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  // Contrast was really checked (not skipped for want of visible text).
  expect(results.passes.map((rule) => rule.id)).toContain("color-contrast");
  return results.violations.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `[${where}] ${violation.id} (${violation.impact}) ${node.target.join(" ")}: ${node.failureSummary?.replaceAll("\n", " ")}`,
    ),
  );
}

async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize();
  const file = `${name}-${size?.width}x${size?.height}.png`;
  const path = `${SCREENSHOTS}${file}`;
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(file, { path, contentType: "image/png" });
}

/** Axe and a screenshot at each size, the theme checked first; violations asserted at the end. */
async function checkEverySize(
  page: Page,
  testInfo: TestInfo,
  theme: Theme,
  name: string,
  ready: () => Promise<void>,
  violations: string[],
) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
    await ready();
    violations.push(...(await axeViolations(page, `${name} ${theme} ${size.width}px`)));
    await screenshot(page, testInfo, `${name}-${theme}`);
  }
}

/** A few tasks made through the API: plain, done, with priority, due dates and tags. */
async function seedTasks(request: APIRequestContext, origin: string) {
  const day = 24 * 60 * 60 * 1000;
  const tasks = [
    { title: "Water the plants" },
    {
      title: "Finish the quarterly report",
      description: "Numbers from finance first.",
      priority: "high",
      due_at: new Date(Date.now() + 2 * day).toISOString(),
      tags: ["work", "urgent"],
    },
    {
      title: "Call the bank",
      priority: "medium",
      due_at: new Date(Date.now() - day).toISOString(),
      tags: ["money"],
    },
    { title: "Read a chapter", priority: "low", tags: ["home"] },
    { title: "Buy milk" },
  ];
  const ids: number[] = [];
  for (const task of tasks) {
    const response = await request.post("/api/me/tasks", {
      data: task,
      headers: { Origin: origin },
    });
    expect(response.status(), await response.text()).toBe(201);
    ids.push(((await response.json()) as { id: number }).id);
  }
  for (const id of [ids[3], ids[4]]) {
    const done = await request.patch(`/api/me/tasks/${id}/complete`, {
      data: { is_completed: true },
      headers: { Origin: origin },
    });
    expect(done.ok(), await done.text()).toBe(true);
  }
}

for (const theme of THEMES) {
  test.describe(`${theme} theme`, () => {
    test.beforeEach(async ({ page }) => {
      await page.emulateMedia({ colorScheme: theme, reducedMotion: "reduce" });
    });

    for (const [name, path, heading] of [
      ["landing", "/", "Get things done, quietly."],
      ["sign-in", "/sign-in", "Sign in"],
      ["sign-up", "/sign-up", "Create your account"],
    ] as const) {
      test(`${name} page: no axe violations`, async ({ page }, testInfo) => {
        await page.goto(path);
        const violations: string[] = [];
        await checkEverySize(
          page,
          testInfo,
          theme,
          name,
          () => expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible(),
          violations,
        );
        expect(violations).toEqual([]);
      });
    }

    test("sign-in page with errors shown: no axe violations", async ({ page }, testInfo) => {
      await page.goto("/sign-in");
      await hydrated(page.getByRole("button", { name: "Sign in" }));
      await page.getByLabel("Email").fill(newEmail("nobody"));
      await page.getByLabel("Password", { exact: true }).fill("not a password");
      await page.getByRole("button", { name: "Sign in" }).click();
      const violations: string[] = [];
      await checkEverySize(
        page,
        testInfo,
        theme,
        "sign-in-error",
        () =>
          expect(
            page.getByRole("alert").filter({ hasText: "Wrong email or password." }),
          ).toBeVisible(),
        violations,
      );
      expect(violations).toEqual([]);
    });

    test("tasks page, its details and shortcuts dialogs: no axe violations", async ({
      page,
      account,
      baseURL,
    }, testInfo) => {
      void account;
      test.setTimeout(60_000); // four states, each checked and photographed at two sizes
      await seedTasks(page.request, baseURL as string);
      await page.goto("/tasks");
      const violations: string[] = [];
      await checkEverySize(
        page,
        testInfo,
        theme,
        "tasks",
        async () => {
          await expect(page.locator("li.task")).toHaveCount(5);
          await expect(taskRow(page, "Buy milk")).toHaveAttribute("data-completed", "true");
          await expect(taskRow(page, "Finish the quarterly report")).toContainText("High priority");
          await expect(taskRow(page, "Call the bank")).toContainText("Overdue");
        },
        violations,
      );

      const details = page.getByRole("dialog", { name: "Task details" });
      const detailsButton = taskRow(page, "Finish the quarterly report").getByRole("button", {
        name: "Details",
      });
      await hydrated(detailsButton);
      await detailsButton.click();
      await checkEverySize(
        page,
        testInfo,
        theme,
        "tasks-details",
        async () => {
          await expect(details).toBeVisible();
          await expect(details.getByLabel("Tags")).toHaveValue("work, urgent");
        },
        violations,
      );
      await details.getByRole("button", { name: "Cancel" }).click();
      await expect(details).toBeHidden();

      const shortcuts = page.getByRole("dialog", { name: "Keyboard shortcuts" });
      await taskRow(page, "Water the plants").focus();
      await page.keyboard.press("?");
      await checkEverySize(
        page,
        testInfo,
        theme,
        "tasks-shortcuts",
        () => expect(shortcuts).toBeVisible(),
        violations,
      );
      await shortcuts.getByRole("button", { name: "Close" }).click();
      await expect(shortcuts).toBeHidden();

      // Filtered to nothing: the empty state.
      await page.goto("/tasks?q=no-such-task");
      await checkEverySize(
        page,
        testInfo,
        theme,
        "tasks-empty",
        () => expect(page.getByText("No tasks match")).toBeVisible(),
        violations,
      );
      expect(violations).toEqual([]);
    });

    test("tasks page with a task just added, a title too long, a right-to-left row and the discard question: no axe violations", async ({
      page,
      account,
      baseURL,
    }, testInfo) => {
      void account;
      test.setTimeout(60_000);
      await seedTasks(page.request, baseURL as string);
      const rtl = await page.request.post("/api/me/tasks", {
        data: {
          title: "לקנות חלב ולחם",
          priority: "medium",
          due_at: new Date(Date.now() + 3 * 24 * 60 * 60 * 1000).toISOString(),
          tags: ["בית", "shopping"],
        },
        headers: { Origin: baseURL as string },
      });
      expect(rtl.status()).toBe(201);

      // Added under Completed: pinned as "Just added"; then a title over the limit, kept.
      await page.goto("/tasks?status=completed");
      const field = page.getByRole("textbox", { name: "New task" });
      await hydrated(field);
      await field.fill("Plan the trip");
      await field.press("Enter");
      const justAdded = page.getByRole("region", { name: "Just added" });
      await expect(justAdded.locator("li.task input.check:disabled")).toHaveCount(0);
      await field.fill(`${"A very long title ".repeat(12)}end`);
      const violations: string[] = [];
      await checkEverySize(
        page,
        testInfo,
        theme,
        "tasks-just-added",
        async () => {
          await expect(justAdded.getByText("Plan the trip", { exact: true })).toBeVisible();
          await expect(page.locator("#new-task-error")).toBeVisible();
        },
        violations,
      );

      await justAdded.getByRole("button", { name: "Show all tasks" }).click();
      await field.fill("");
      await checkEverySize(
        page,
        testInfo,
        theme,
        "tasks-rtl",
        () => expect(taskRow(page, "לקנות חלב ולחם")).toContainText("Medium priority"),
        violations,
      );

      // Changes made in the details, then Escape: the panel asks before discarding them.
      await taskRow(page, "Water the plants").getByRole("button", { name: "Details" }).click();
      const details = page.getByRole("dialog", { name: "Task details" });
      await details.getByLabel("Notes").fill("Twice a week");
      await details.getByLabel("Due date").fill("2030-05-17");
      await page.keyboard.press("Escape");
      await checkEverySize(
        page,
        testInfo,
        theme,
        "tasks-details-discard",
        () => expect(details.getByRole("button", { name: "Keep editing" })).toBeVisible(),
        violations,
      );
      expect(violations).toEqual([]);
    });

    test("settings page: no axe violations", async ({ page, account }, testInfo) => {
      await page.goto("/settings");
      const violations: string[] = [];
      await checkEverySize(
        page,
        testInfo,
        theme,
        "settings",
        () => expect(page.getByText(account.email)).toBeVisible(),
        violations,
      );

      // The delete dialog, with its error showing.
      const open = page.getByRole("button", { name: "Delete account…" });
      await hydrated(open);
      await open.click();
      const dialog = page.getByRole("dialog", { name: "Delete your account?" });
      await dialog.getByLabel("Password").fill("not my password");
      await dialog.getByRole("button", { name: "Delete for good" }).click();
      await checkEverySize(
        page,
        testInfo,
        theme,
        "settings-delete",
        () => expect(dialog.getByRole("alert")).toHaveText("That password is not right."),
        violations,
      );
      expect(violations).toEqual([]);
    });
  });
}

test("dark mode follows the system, and the colours change with it", async ({ page }) => {
  const background = () =>
    page.evaluate(() => getComputedStyle(document.body).backgroundColor.replaceAll(" ", ""));
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await background()).toBe("rgb(17,19,23)");
  await page.emulateMedia({ colorScheme: "light" });
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  expect(await background()).toBe("rgb(246,247,249)");
});

test("pages send CSP with a nonce, nosniff and frame denial", async ({ page }) => {
  const nonces: string[] = [];
  for (const path of ["/", "/sign-in"]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    const headers = response?.headers() ?? {};
    const csp = headers["content-security-policy"] ?? "";
    const directives = new Map(
      csp.split(";").map((d) => {
        const [name = "", ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    const scriptSrc = directives.get("script-src") ?? [];
    const nonce = scriptSrc.find((v) => /^'nonce-[A-Za-z0-9+/=]{16,}'$/.test(v));
    expect(nonce, csp).toBeDefined();
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["x-frame-options"]).toBe("DENY");
    nonces.push((nonce as string).slice("'nonce-".length, -1));
    // The page's own scripts carry that nonce.
    const scriptNonces = await page.evaluate(() =>
      [...document.querySelectorAll("script")].map((s) => s.nonce),
    );
    expect(scriptNonces.length).toBeGreaterThan(0);
    expect(new Set(scriptNonces)).toEqual(new Set([nonces.at(-1)]));
  }
  // A fresh nonce per response.
  expect(nonces[0]).not.toBe(nonces[1]);
});

test("using the task list reports no CSP violation", async ({ page, account }) => {
  void account;
  const reports: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) reports.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(
        `Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`,
      );
    });
  });
  await page.goto("/tasks");
  await addTasks(page, ["Buy milk", "Walk the dog", "Pay rent"]);
  await taskRow(page, "Buy milk").getByRole("checkbox").check();
  await expect(taskRow(page, "Buy milk")).toHaveAttribute("data-completed", "true");
  await taskRow(page, "Walk the dog").getByRole("button", { name: "Details" }).click();
  const details = page.getByRole("dialog", { name: "Task details" });
  await details.getByLabel("Priority").selectOption("high");
  await details.getByLabel("Tags").fill("home, pets");
  await details.getByRole("button", { name: "Save" }).click();
  await expect(taskRow(page, "Walk the dog")).toContainText("High priority");
  await taskRow(page, "Pay rent").getByRole("button", { name: "Delete" }).click();
  await expect(taskRow(page, "Pay rent")).toHaveCount(0);
  await page.getByRole("link", { name: "Active" }).click();
  await expect(page).toHaveURL("/tasks?status=active");
  await page.getByLabel("Colour theme").selectOption("dark");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.reload();
  await expect(taskRow(page, "Walk the dog")).toBeVisible();
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL("/settings");
  await page.getByRole("link", { name: "Tasks" }).click();
  await expect(page).toHaveURL("/tasks");
  await expect(taskRow(page, "Buy milk")).toBeVisible();
  expect(reports).toEqual([]);
});
