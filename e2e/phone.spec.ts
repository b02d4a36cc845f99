// On a phone (390x844, a touch screen): controls big enough for a finger, no keyboard popping up
// on load, and the undo toast never hiding the list's footer. The desktop list stays compact.
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { addTasks, expect, hydrated, newTaskField, taskRow, test } from "./fixtures.ts";

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

/**
 * The widest round fingertip, centred on the control, that hits it wherever it lands: probes
 * `document.elementFromPoint` around growing circles (a fingertip is round, and the rounded corner
 * of the list may clip a square's corner by a pixel). A hit on a label for the control, on its
 * own ::before/::after or on a descendant counts as the control.
 */
function hitSize(control: Locator): Promise<number> {
  return control.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const cx = box.left + box.width / 2;
    const cy = box.top + box.height / 2;
    const hits = (x: number, y: number) => {
      const found = document.elementFromPoint(x, y);
      if (!found) return false;
      if (found === element || element.contains(found)) return true;
      const label = found.closest("label");
      return label !== null && (label as HTMLLabelElement).control === element;
    };
    let size = 0;
    for (let half = 1; half <= 40; half++) {
      // A pixel inside the circle: elementFromPoint rounds to whole pixels, so a point a hair
      // inside the edge may land on the neighbour.
      const r = half - 1;
      const points = Array.from({ length: 16 }, (_, i) => [
        cx + r * Math.cos((i * Math.PI) / 8),
        cy + r * Math.sin((i * Math.PI) / 8),
      ]);
      if (!points.every(([x, y]) => hits(x as number, y as number))) break;
      size = half * 2;
    }
    return size;
  });
}

async function seed(request: APIRequestContext, origin: string, count: number) {
  for (let i = 1; i <= count; i++) {
    const response = await request.post("/api/me/tasks", {
      data: { title: `Task ${i}`, tags: i === 1 ? ["home"] : [] },
      headers: { Origin: origin },
    });
    expect(response.status(), await response.text()).toBe(201);
  }
}

async function openList(page: Page) {
  await page.goto("/tasks");
  await hydrated(newTaskField(page));
}

test.describe("on a phone", () => {
  test.use(PHONE);

  test("each checkbox, row button and filter is at least 44x44 to a finger", async ({
    page,
    account,
    baseURL,
  }) => {
    void account;
    await seed(page.request, baseURL as string, 3);
    await openList(page);
    const row = taskRow(page, "Task 1");
    const controls: [string, Locator][] = [
      ["checkbox", row.getByRole("checkbox")],
      ["Details", row.getByRole("button", { name: "Details" })],
      ["Delete", row.getByRole("button", { name: "Delete" })],
      ["toggle all", page.getByRole("checkbox", { name: "Mark all as complete" })],
      ["Active filter", page.getByRole("link", { name: "Active", exact: true })],
    ];
    const sizes: Record<string, number> = {};
    for (const [name, control] of controls) sizes[name] = await hitSize(control);
    expect(Object.entries(sizes).filter(([, size]) => size < 44)).toEqual([]);
    // Tags sit in the dense line under the title, like words in a sentence: at least WCAG's
    // 24x24 minimum (2.5.8), not 44, which would double the height of every tagged row.
    expect(await hitSize(row.getByRole("link", { name: "#home" }))).toBeGreaterThanOrEqual(24);
  });

  test("the new-task field does not open the keyboard on load", async ({ page, account }) => {
    void account;
    await openList(page);
    // Give a late autofocus every chance to happen.
    await page.waitForTimeout(300);
    await expect(newTaskField(page)).not.toBeFocused();
    // A tap still opens it, of course.
    await newTaskField(page).tap();
    await expect(newTaskField(page)).toBeFocused();
  });

  test("the undo toast leaves the list's footer in sight", async ({ page, account, baseURL }) => {
    void account;
    await seed(page.request, baseURL as string, 14);
    await openList(page);
    await taskRow(page, "Task 3").getByRole("button", { name: "Delete" }).tap();
    const toast = page.locator("[data-sonner-toast]").filter({ hasText: "Task deleted" });
    await expect(toast).toBeVisible();
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect(toast.getByRole("button", { name: "Undo" })).toBeVisible();
    const footer = page.locator(".list-footer");
    await expect(footer).toContainText("13 items left");
    const [f, t] = [await footer.boundingBox(), await toast.boundingBox()];
    if (!f || !t) throw new Error("footer or toast not laid out");
    // The whole footer is above the toast's top edge.
    expect(f.y + f.height).toBeLessThanOrEqual(t.y);
  });
});

test.describe("on a desktop", () => {
  test("the list stays compact and the new-task field is focused on load", async ({
    page,
    account,
  }) => {
    void account;
    await openList(page);
    await expect(newTaskField(page)).toBeFocused();
    await addTasks(page, ["Buy milk"]);
    const row = taskRow(page, "Buy milk");
    const check = await row.getByRole("checkbox").boundingBox();
    const button = await row.getByRole("button", { name: "Delete" }).boundingBox();
    const rowBox = await row.boundingBox();
    expect([check?.width, check?.height]).toEqual([22, 22]);
    expect([button?.width, button?.height]).toEqual([32, 32]);
    expect(rowBox?.height).toBeLessThanOrEqual(56);
  });
});
