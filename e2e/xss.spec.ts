// What a user types is shown as text, never run; and awkward text does not break the layout.
import type { Page } from "@playwright/test";
import { addTasks, expect, taskRow, test } from "./fixtures.ts";

const IMG = "<img src=x onerror=alert(1)>";
const SCRIPT = "<script>alert(1)</script>";
const SVG = '<svg onload="alert(2)"></svg>';

/** Every dialog the page opens (alert, confirm, prompt), dismissed and remembered. */
function recordDialogs(page: Page) {
  const seen: string[] = [];
  page.on("dialog", (dialog) => {
    seen.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return seen;
}

test("HTML in a title and in notes is shown as text and runs nothing", async ({
  page,
  account,
}) => {
  void account;
  const dialogs = recordDialogs(page);
  await page.goto("/tasks");
  await addTasks(page, [IMG, SVG]);

  const row = taskRow(page, IMG);
  await expect(row).toBeVisible();
  await expect(row.locator(".task-title")).toHaveText(IMG);
  await expect(taskRow(page, SVG).locator(".task-title")).toHaveText(SVG);

  // The notes, set through the Details dialog.
  await row.getByRole("button", { name: "Details" }).click();
  const details = page.getByRole("dialog", { name: "Task details" });
  await details.getByLabel("Notes").fill(`${SCRIPT} and ${IMG}`);
  const saved = page.waitForResponse(
    (r) => r.request().method() === "PATCH" && /\/api\/me\/tasks\/\d+$/.test(r.url()),
  );
  await details.getByRole("button", { name: "Save" }).click();
  expect((await saved).ok()).toBe(true);
  await expect(details).toBeHidden();

  const list = page.getByRole("region", { name: "Tasks" });
  const checkNothingRan = async () => {
    await expect(list.locator("img")).toHaveCount(0);
    await expect(list.locator("svg[onload]")).toHaveCount(0);
    await expect(page.locator("img[src=x]")).toHaveCount(0);
    await expect(page.locator("main script")).toHaveCount(0);
    expect(dialogs).toEqual([]);
  };
  await checkNothingRan();

  // After a reload the list comes from the server-rendered HTML: still text.
  const html = await (await page.request.get("/tasks")).text();
  expect(html).not.toContain(IMG);
  expect(html).not.toContain(SCRIPT);
  expect(html).not.toContain(SVG);
  expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");

  await page.reload();
  await expect(row.locator(".task-title")).toHaveText(IMG);
  await checkNothingRan();
  await row.getByRole("button", { name: "Details" }).click();
  await expect(details.getByLabel("Notes")).toHaveValue(`${SCRIPT} and ${IMG}`);
  await expect(details.getByLabel("Title")).toHaveValue(IMG);
  await expect(details.locator("img")).toHaveCount(0);
  await details.getByRole("button", { name: "Cancel" }).click();
  await checkNothingRan();
});

test.describe("on a phone-sized screen", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("a long unbroken word and right-to-left text do not widen the page", async ({
    page,
    account,
  }) => {
    void account;
    // Titles are at most 200 characters: the field stops there; the notes take 300 and more.
    const longWord = "x".repeat(300);
    const word = longWord.slice(0, 200);
    const arabic = "اشترِ الحليب والخبز من المتجر قبل الساعة الخامسة مساءً ثم اتصل بأمي";
    const arabicUnbroken = "مرحبا".repeat(30);
    const mixed = `Call أحمد about ${"الاجتماع".repeat(12)} tomorrow`;
    await page.goto("/tasks");
    await page.getByRole("textbox", { name: "New task" }).fill(longWord);
    await expect(page.getByRole("textbox", { name: "New task" })).toHaveValue(word);
    await page.getByRole("textbox", { name: "New task" }).press("Enter");
    await addTasks(page, [arabic, arabicUnbroken, mixed]);
    for (const title of [word, arabic, arabicUnbroken, mixed]) {
      await expect(taskRow(page, title)).toBeVisible();
    }

    const pageWidth = () =>
      page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        body: document.body.scrollWidth,
      }));
    const noWiderThanScreen = async () => {
      const width = await pageWidth();
      expect(width.scroll, JSON.stringify(width)).toBeLessThanOrEqual(390);
      expect(width.body, JSON.stringify(width)).toBeLessThanOrEqual(390);
    };
    await noWiderThanScreen();
    // Every row stays within the screen.
    for (const box of await page
      .locator("li.task")
      .evaluateAll((rows) => rows.map((row) => row.getBoundingClientRect().right))) {
      expect(box).toBeLessThanOrEqual(390);
    }

    // A 300-character word in the notes, and the dialog that shows it.
    await taskRow(page, word).getByRole("button", { name: "Details" }).click();
    const details = page.getByRole("dialog", { name: "Task details" });
    await details.getByLabel("Notes").fill(longWord);
    await details.getByLabel("Tags").fill(`${"t".repeat(32)}, ${"وسم".repeat(10)}`);
    await noWiderThanScreen();
    await details.getByRole("button", { name: "Save" }).click();
    await expect(details).toBeHidden();
    await expect(taskRow(page, word).locator(".tag")).toHaveCount(2);
    await noWiderThanScreen();

    // The same after a reload, from the server-rendered HTML.
    await page.reload();
    await expect(taskRow(page, arabic)).toBeVisible();
    await noWiderThanScreen();
  });
});
