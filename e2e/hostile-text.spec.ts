// Hostile text in bulk (script and HTML, very long, right-to-left, bidi controls, emoji in titles,
// notes and tags): shown exactly as typed, running nothing, and fitting a desktop and a phone
// screen, with screenshots in Playwright's output folder.
// The copies in docs/screenshots/ come from a one-off run that also writes them there:
//   UPDATE_SCREENSHOTS=1 npm run test:e2e -- e2e/hostile-text.spec.ts
import { copyFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import { expect, hydrated, seedTasks, taskRow, test } from "./fixtures.ts";
import {
  ENTITIES,
  expectNoWiderThanScreen,
  FSI,
  IFRAME,
  IMG,
  INJECTED,
  JS_URL,
  LRI,
  PDI,
  RLI,
  RLO,
  recordTrouble,
  SCRIPT,
  SVG,
} from "./hostile-text.ts";

const DOCS_SCREENSHOTS = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));
/** The screenshots kept in docs/screenshots/; the others stay in the test's output folder. */
const DOCS_COPIES = [
  "hostile-text-1280x800",
  "hostile-text-390x844",
  "hostile-text-details-390x844",
];

interface NewTask {
  title: string;
  description?: string;
  tags?: string[];
}

const LONG_TITLE = "Supercalifragilistic".repeat(10); // 200 characters, the most a title takes
const LONG_NOTES = [
  ...Array.from({ length: 100 }, (_, i) => `Line ${i + 1}: pack, label, weigh, ship.`),
  "y".repeat(600),
].join("\n");
const MANY_TAGS = [
  "t".repeat(32),
  ...Array.from(
    { length: 19 },
    (_, i) => `tag-${String(i + 1).padStart(2, "0")}-${"ab".repeat(8)}`,
  ),
];
const ZALGO =
  "Z\u0351\u0352\u0357\u0316\u0317a\u035b\u0346\u0317\u0318l\u0350\u0351\u0319g\u0352\u0347o";

/** In the order the list shows them (oldest first): right-to-left and script at the top, where
 * the screenshots see them, the longest last. */
const HOSTILE: NewTask[] = [
  {
    title: "اشترِ الحليب والخبز من المتجر قبل الساعة الخامسة!",
    description: "ملاحظة: لا تنسَ الإيصال.\nשורה בעברית עם English ו-123.\nMixed: أحمد said “שלום”.",
    tags: ["تسوق", "عاجل"],
  },
  { title: "לקנות חלב ולחם לפני שבת (חשוב!)", tags: ["בית", "קניות"] },
  { title: "Call أحمد about the ميزانية 2024, then email שרה (today!)" },
  {
    title: `Invoice ${RLO}fdp.exe`,
    description: `${RLO}override, never closed`,
    tags: [`${RLO}gat`],
  },
  {
    title: `Isolates: ${LRI}left${PDI} ${RLI}يمين${PDI} ${FSI}first strong${PDI}, and an open ${RLI}מפתח`,
    tags: [`${RLI}وسم`],
  },
  {
    title: `Emoji 👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽 🇯🇵 and marks: e\u0301 n\u0303 क्षत्रिय กำลัง ${ZALGO}`,
    description: "Zero\u200Bwidth\u200Cnon\u200Djoiner\u2060and 👩🏽‍💻 joined",
    tags: ["👩‍💻", "🇺🇦", "e\u0301te\u0301"],
  },
  { title: "<script>alert('title')</script>", description: SCRIPT, tags: ["</script><b>x"] },
  {
    title: IMG,
    description: `${IMG}\n</textarea>${SCRIPT}<textarea>\n${IFRAME}`,
    tags: [IMG, SCRIPT],
  },
  { title: SVG, tags: ["<svg/onload=alert(10)>"] },
  { title: IFRAME, tags: ['"><iframe srcdoc=alert(9)>'] },
  { title: JS_URL, description: `<a href="${JS_URL}">click me</a>\n${JS_URL}`, tags: [JS_URL] },
  {
    title: ENTITIES,
    description: "&lt;script&gt;alert(8)&lt;/script&gt; &nbsp;",
    tags: ["&lt;b&gt;", "&amp;"],
  },
  {
    // Template syntax (Angular, Vue, a JS template string) and markdown: the UI renders neither.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder is the payload
    title: "{{constructor.constructor('alert(5)')()}} ${alert(6)} **bold** _em_ [x](javascript:1)",
    description: "# Heading\n**bold** _em_ `code`\n- [link](javascript:alert(7))\n> quote",
    tags: ["**bold**", "[x](javascript:1)"],
  },
  { title: LONG_TITLE, description: LONG_NOTES, tags: MANY_TAGS },
];

const SCREENS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

for (const screen of SCREENS) {
  const size = `${screen.width}x${screen.height}`;

  test.describe(`hostile text at ${size}`, () => {
    test.use({ viewport: screen });

    test("is shown exactly as typed, runs nothing, and fits the screen", async ({
      page,
      account,
      baseURL,
      browser,
    }) => {
      void account;
      // Made through the API, oldest first: fast, and the typing is tested in xss.spec.ts.
      await seedTasks(page, baseURL as string, HOSTILE);
      await page.emulateMedia({ colorScheme: "light", reducedMotion: "reduce" });
      const trouble = recordTrouble(page);
      await page.goto("/tasks");
      await hydrated(page.getByRole("textbox", { name: "New task" }));

      await expectShownAsTyped(page);
      await expectUserTextIsolated(page);
      await expectFits(page);
      await expect(page.locator(INJECTED)).toHaveCount(0);
      await screenshot(page, `hostile-text-${size}`);

      // The hostile notes, in the Details dialog: a textarea's value, never markup.
      const details = page.getByRole("dialog", { name: "Task details" });
      for (const task of HOSTILE.filter((t) => t.description)) {
        await taskRow(page, task.title).getByRole("button", { name: "Details" }).click();
        await expect(details.getByLabel("Title")).toHaveValue(task.title);
        await expect(details.getByLabel("Notes")).toHaveValue(task.description as string);
        await expect(details.getByLabel("Tags")).toHaveValue((task.tags ?? []).join(", "));
        await expect(page.locator(INJECTED)).toHaveCount(0);
        await expectDialogUsable(page);
        // The dialog is fixed to the screen: a screenshot of the screen, not of the whole page.
        if (task.title === IMG) await screenshot(page, `hostile-text-details-${size}`, false);
        if (task.title === LONG_TITLE) {
          await screenshot(page, `hostile-text-details-long-${size}`, false);
        }
        await details.getByRole("button", { name: "Cancel" }).click();
        await expect(details).toBeHidden();
      }
      // Save stays reachable and works with the longest text in the dialog.
      await taskRow(page, LONG_TITLE).getByRole("button", { name: "Details" }).click();
      await details.getByRole("button", { name: "Save" }).click();
      await expect(details).toBeHidden();

      // Reloaded, the list is the server-rendered HTML, then hydrated: the same, and no mismatch.
      await page.reload();
      await hydrated(page.getByRole("textbox", { name: "New task" }));
      await expectShownAsTyped(page);
      await expectFits(page);
      await expect(page.locator(INJECTED)).toHaveCount(0);
      expect(page.frames()).toHaveLength(1);

      // The server-rendered HTML alone, read by a browser with JavaScript off.
      const html = await (await page.request.get("/tasks")).text();
      for (const raw of ["<script>alert", "<img src=x", "<svg onload", "<iframe", "</textarea>"]) {
        expect(html).not.toContain(raw);
      }
      const noScript = await browser.newContext({
        baseURL: baseURL as string,
        viewport: screen,
        javaScriptEnabled: false,
        storageState: await page.context().storageState(),
      });
      const plain = await noScript.newPage();
      await plain.goto("/tasks");
      await expectShownAsTyped(plain);
      await expectFits(plain);
      await expect(plain.locator(INJECTED)).toHaveCount(0);
      await noScript.close();

      expect(trouble).toEqual([]);
    });
  });
}

/** Every title and tag in the list, character for character (textContent: nothing normalised). */
async function expectShownAsTyped(page: Page) {
  const rows = page.locator("li.task");
  await expect(rows).toHaveCount(HOSTILE.length);
  const shown = await rows.evaluateAll((items) =>
    items.map((item) => ({
      title: item.querySelector(".task-title")?.textContent,
      tags: [...item.querySelectorAll(".tag")].map((tag) => tag.textContent),
    })),
  );
  const expected = HOSTILE.map((task) => ({
    title: task.title,
    tags: (task.tags ?? []).map((tag) => `#${tag}`),
  }));
  expect(shown).toEqual(expected);
}

/** Text a user wrote cannot turn the text around it: every title and tag is bidi-isolated
 * (dir="auto", <bdi> or unicode-bidi: isolate/plaintext), so an override ends where it does. */
async function expectUserTextIsolated(page: Page) {
  const unisolated = await page.locator("li.task").evaluateAll((items) => {
    const isolated = (element: Element | null) =>
      !!element &&
      ["isolate", "plaintext", "isolate-override"].includes(getComputedStyle(element).unicodeBidi);
    return items.flatMap((item) => {
      const title = item.querySelector(".task-title");
      const tags = [...item.querySelectorAll(".tag")].map((tag) => tag.querySelector("bdi, [dir]"));
      return [title, ...tags]
        .filter((element) => !isolated(element))
        .map(
          (element) => `${item.id}: ${element?.outerHTML ?? "a tag's text is not in an element"}`,
        );
    });
  });
  expect(unisolated).toEqual([]);
  // Right-to-left titles read right to left, left-to-right ones left to right.
  const direction = (title: string) =>
    taskRow(page, title)
      .locator(".task-title")
      .evaluate((element) => getComputedStyle(element).direction);
  expect(await direction(HOSTILE[0]?.title as string)).toBe("rtl");
  expect(await direction("לקנות חלב ולחם לפני שבת (חשוב!)")).toBe("rtl");
  expect(await direction("Call أحمد about the ميزانية 2024, then email שרה (today!)")).toBe("ltr");
  expect(await direction(`Invoice ${RLO}fdp.exe`)).toBe("ltr");
}

/** No sideways scrolling: the page and every row, title and tag stay within the screen. */
async function expectFits(page: Page) {
  await expectNoWiderThanScreen(page);
  const outside = await page
    .locator("li.task, li.task .task-title, li.task .tag")
    .evaluateAll((elements) =>
      elements
        .map((element) => ({ element, box: element.getBoundingClientRect() }))
        .filter(({ box }) => box.left < 0 || box.right > window.innerWidth)
        .map(({ element, box }) => `${element.className} ${box.left}–${box.right}`),
    );
  expect(outside).toEqual([]);
}

/** The Details dialog is inside the screen, and Save and Cancel can be seen without scrolling. */
async function expectDialogUsable(page: Page) {
  const details = page.getByRole("dialog", { name: "Task details" });
  await expect(details).toBeInViewport({ ratio: 1 });
  await expect(details.getByRole("button", { name: "Save" })).toBeInViewport({ ratio: 1 });
  await expect(details.getByRole("button", { name: "Cancel" })).toBeInViewport({ ratio: 1 });
  await expectNoWiderThanScreen(page);
}

/** A screenshot (of the whole page, or of the screen) into the test's output folder; with
 * UPDATE_SCREENSHOTS=1, also copied into docs/screenshots (see the top of this file). */
async function screenshot(page: Page, name: string, fullPage = true) {
  const path = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage, animations: "disabled", caret: "hide" });
  if (process.env.UPDATE_SCREENSHOTS === "1" && DOCS_COPIES.includes(name)) {
    copyFileSync(path, `${DOCS_SCREENSHOTS}${name}.png`);
  }
}
