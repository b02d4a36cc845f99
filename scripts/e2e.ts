// `npm test`'s browser part: runs the Playwright suite in e2e/ when Chromium is installed, and
// otherwise says in one line that it was skipped and how to enable it. REQUIRE_E2E=1 (CI) turns
// a missing browser into a failure.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM_PATH } from "../e2e/chromium.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const chromium = CHROMIUM_PATH;

if (!existsSync(chromium)) {
  const line = `Browser tests skipped: no Chromium at ${chromium} (install it with \`apt-get install -y chromium\`, or set CHROMIUM_PATH).`;
  if (process.env.REQUIRE_E2E === "1") {
    console.error(`${line} REQUIRE_E2E=1: failing.`);
    process.exit(1);
  }
  console.log(line);
  process.exit(0);
}

const cli = join(ROOT, "node_modules", "@playwright", "test", "cli.js");
const result = spawnSync(
  process.execPath,
  [cli, "test", "--config", join(ROOT, "e2e", "playwright.config.ts"), ...process.argv.slice(2)],
  { cwd: ROOT, stdio: "inherit", env: { ...process.env, CHROMIUM_PATH: chromium } },
);
process.exit(result.status ?? 1);
