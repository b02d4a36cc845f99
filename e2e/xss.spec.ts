// What a user types is shown as text, never run; and awkward text does not break the layout.
// Titles, notes and tags with script and HTML, a right-to-left override in the search, and long
// or right-to-left text on a phone screen, typed as a person would (hostile-text.spec.ts checks
// a whole list of such text on a desktop and a phone screen).
import type { Locator } from "@playwright/test";
import { addTasks, expect, taskRow, test } from "./fixtures.ts";
import {
  ENTITIES,
  expectNoWiderThanScreen,
  IFRAME,
  IMG,
  INJECTED,
  JS_URL,
  RLO,
  recordDialogs,
  SCRIPT,
  SVG,
} from "./hostile-text.ts";

test("HTML in a title, notes and tags is shown as text and runs nothing", async ({
  page,
  account,
}) => {
  void account;
  const dialogs = recordDialogs(page);
  await page.goto("/tasks");
  // Typed, as a person would: the new-task field and the Details dialog take the text as it is.
  await addTasks(page, [IMG, SVG, IFRAME, JS_URL, ENTITIES]);

  const row = taskRow(page, IMG);
  await expect(row).toBeVisible();
  await expect(row.locator(".task-title")).toHaveText(IMG);
  for (const title of [SVG, IFRAME, JS_URL, ENTITIES]) {
    await expect(taskRow(page, title).locator(".task-title")).toHaveText(title);
  }

  // The notes and tags, set through the Details dialog.
  await row.getByRole("button", { name: "Details" }).click();
  const details = page.getByRole("dialog", { name: "Task details" });
  const notes = `${SCRIPT} and ${IMG}\n</textarea>${IFRAME}\n${ENTITIES}`;
  await details.getByLabel("Notes").fill(notes);
  await details.getByLabel("Tags").fill(`${SCRIPT}, &lt;b&gt;, <b>bold</b>`);
  const saved = page.waitForResponse(
    (r) => r.request().method() === "PATCH" && /\/api\/me\/tasks\/\d+$/.test(r.url()),
  );
  await details.getByRole("button", { name: "Save" }).click();
  expect((await saved).ok()).toBe(true);
  await expect(details).toBeHidden();
  const tags = [`#${SCRIPT}`, "#&lt;b&gt;", "#<b>bold</b>"];
  await expect(row.locator(".tag")).toHaveText(tags);

  const list = page.getByRole("region", { name: "Tasks" });
  const checkNothingRan = async () => {
    await expect(list.locator("img")).toHaveCount(0);
    await expect(list.locator("svg[onload]")).toHaveCount(0);
    await expect(page.locator("img[src=x]")).toHaveCount(0);
    await expect(page.locator("main script")).toHaveCount(0);
    await expect(page.locator(INJECTED)).toHaveCount(0);
    expect(page.frames()).toHaveLength(1);
    expect(dialogs).toEqual([]);
  };
  await checkNothingRan();

  // After a reload the list comes from the server-rendered HTML: still text.
  const html = await (await page.request.get("/tasks")).text();
  expect(html).not.toContain(IMG);
  expect(html).not.toContain(SCRIPT);
  expect(html).not.toContain(SVG);
  expect(html).not.toContain("<iframe");
  expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  // An entity typed by the user is escaped once more, so it shows as typed, not decoded.
  expect(html).toContain("&amp;lt;b&amp;gt;not bold");

  await page.reload();
  await expect(row.locator(".task-title")).toHaveText(IMG);
  await expect(taskRow(page, ENTITIES).locator(".task-title")).toHaveText(ENTITIES);
  await expect(row.locator(".tag")).toHaveText(tags);
  await checkNothingRan();
  await row.getByRole("button", { name: "Details" }).click();
  await expect(details.getByLabel("Notes")).toHaveValue(notes);
  await expect(details.getByLabel("Title")).toHaveValue(IMG);
  await expect(details.getByLabel("Tags")).toHaveValue(`${SCRIPT}, &lt;b&gt;, <b>bold</b>`);
  await expect(details.locator("img")).toHaveCount(0);
  await details.getByRole("button", { name: "Cancel" }).click();
  await checkNothingRan();
});

test("a right-to-left override typed into the search stays inside the quotes that echo it", async ({
  page,
  account,
}) => {
  void account;
  await page.goto("/tasks");
  await addTasks(page, ["Buy milk"]);
  const search = page.getByRole("searchbox", { name: "Search tasks" });
  await search.fill(`${RLO}evil`);
  const message = page.getByRole("status").filter({ hasText: "No tasks match" });
  await expect(message).toBeVisible();
  // Unisolated, the override would also turn the closing quote around ("“”live").
  const quotes = await closingCharacterIsLast(message.locator("strong"));
  expect(quotes.closingLeft, JSON.stringify(quotes)).toBeGreaterThanOrEqual(quotes.othersRight);
});

/** Where the last visible character of an element is drawn, and the right edge of all the others. */
function closingCharacterIsLast(element: Locator) {
  return element.evaluate((root) => {
    const boxes: DOMRect[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? "";
      for (let i = 0; i < text.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (box.width > 0) boxes.push(box); // bidi controls take no room
      }
    }
    const closing = boxes.pop();
    return {
      closingLeft: closing?.left ?? Number.NaN,
      othersRight: Math.max(...boxes.map((box) => box.right)),
    };
  });
}

test.describe("on a phone-sized screen", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("a long unbroken word and right-to-left text do not widen the page", async ({
    page,
    account,
  }) => {
    void account;
    // Titles are at most 200 characters: a longer one is kept in the field and refused with the
    // reason (fixes.spec.ts); the notes take 300 and more.
    const longWord = "x".repeat(300);
    const word = longWord.slice(0, 200);
    const arabic = "اشترِ الحليب والخبز من المتجر قبل الساعة الخامسة مساءً ثم اتصل بأمي";
    const arabicUnbroken = "مرحبا".repeat(30);
    const mixed = `Call أحمد about ${"الاجتماع".repeat(12)} tomorrow`;
    await page.goto("/tasks");
    await page.getByRole("textbox", { name: "New task" }).fill(longWord);
    await expect(page.getByRole("textbox", { name: "New task" })).toHaveValue(longWord);
    await expect(page.locator("#new-task-error")).toBeVisible();
    await expectNoWiderThanScreen(page);
    await page.getByRole("textbox", { name: "New task" }).fill(word);
    await page.getByRole("textbox", { name: "New task" }).press("Enter");
    await addTasks(page, [arabic, arabicUnbroken, mixed]);
    for (const title of [word, arabic, arabicUnbroken, mixed]) {
      await expect(taskRow(page, title)).toBeVisible();
    }

    const noWiderThanScreen = () => expectNoWiderThanScreen(page);
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
