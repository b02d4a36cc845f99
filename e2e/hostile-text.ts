// Shared by the hostile-text browser tests (xss.spec.ts, hostile-text.spec.ts): text that would run
// if it were markup, bidi controls, and what would give an injection or a too-wide page away.
import type { Page } from "@playwright/test";
import { expect } from "./fixtures.ts";

export const IMG = "<img src=x onerror=alert(1)>";
export const SCRIPT = "<script>alert(1)</script>";
export const SVG = '<svg onload="alert(2)"></svg>';
export const IFRAME = '"><iframe srcdoc="<script>parent.alert(3)</script>">';
export const JS_URL = "javascript:alert(4)";
export const ENTITIES = "&lt;b&gt;not bold&lt;/b&gt; &amp;amp; &#60;i&#62;";

export const RLO = "\u202E"; // RIGHT-TO-LEFT OVERRIDE: shows what follows backwards
export const LRI = "\u2066";
export const RLI = "\u2067";
export const FSI = "\u2068";
export const PDI = "\u2069";

/** Every dialog the page opens (alert, confirm, prompt), dismissed and remembered. */
export function recordDialogs(page: Page) {
  const seen: string[] = [];
  page.on("dialog", (dialog) => {
    seen.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return seen;
}

/** What would give away an injected element even where the CSP stops it from running: a dialog,
 * a console error (a CSP refusal is one), an uncaught error, or a request for `<img src=x>`. */
export function recordTrouble(page: Page) {
  const trouble = recordDialogs(page);
  page.on("console", (message) => {
    if (message.type() === "error") trouble.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => trouble.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith("/x") || url.protocol === "javascript:") {
      trouble.push(`request: ${request.url()}`);
    }
  });
  return trouble;
}

/** Elements that only an injection would put in the list or the dialog. */
export const INJECTED =
  ":is(main, [role=dialog]) :is(img, iframe, frame, script, object, embed, [onload], [onerror], a[href^='javascript' i])";

/** No sideways scrolling: the page is no wider than the screen. */
export async function expectNoWiderThanScreen(page: Page) {
  const width = await page.evaluate(() => ({
    viewport: window.innerWidth,
    scroll: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
  }));
  expect(width.scroll, JSON.stringify(width)).toBeLessThanOrEqual(width.viewport);
  expect(width.body, JSON.stringify(width)).toBeLessThanOrEqual(width.viewport);
}
