import { AxeBuilder } from "@axe-core/playwright";
import { expect, test } from "./fixtures.ts";

test("an unknown address answers 404 with a page that leads back to the tasks", async ({
  page,
}) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Nothing here" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Go to your tasks" })).toHaveAttribute(
    "href",
    "/tasks",
  );
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  expect(violations.map((v) => v.id)).toEqual([]);
});
