// Browser tests against the real app, started the way `npm start` starts it (scripts/start.ts),
// on a fresh database: a new PGlite directory, or a new database on TEST_DATABASE_URL's server.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium.ts";

export const API_PORT = Number(process.env.E2E_API_PORT ?? 8100);
export const WEB_PORT = Number(process.env.E2E_WEB_PORT ?? 3100);
export const BASE_URL = `http://localhost:${WEB_PORT}`;

// The config is loaded again in every worker: make the data directory once, in the main process.
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "todo-e2e-"));
// On a Postgres server (TEST_DATABASE_URL), a new database for this run, dropped by global-teardown.
if (process.env.TEST_DATABASE_URL && !process.env.E2E_DATABASE_URL) {
  const url = new URL(process.env.TEST_DATABASE_URL);
  const name = `todo_e2e_${process.pid}_${Date.now()}`;
  const created = spawnSync("psql", [url.href, "-qc", `create database ${name}`], {
    encoding: "utf8",
  });
  if (created.status !== 0) throw new Error(`could not create ${name}: ${created.stderr}`);
  url.pathname = `/${name}`;
  process.env.E2E_DATABASE_URL = url.href;
}

export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.ts",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // E2E_OUTPUT_DIR lets two runs at once keep their traces apart.
  outputDir: process.env.E2E_OUTPUT_DIR ?? "../test-results/e2e",
  reporter: [["list"]],
  globalTeardown: "./global-teardown.ts",
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    viewport: { width: 1280, height: 800 },
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  webServer: {
    command: "node --import tsx scripts/start.ts",
    cwd: "..",
    // scripts/start.ts prints this once both the API and the web app answer.
    wait: { stdout: /Open http/ },
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(API_PORT),
      WEB_PORT: String(WEB_PORT),
      DATA_DIR: process.env.E2E_DATA_DIR,
      ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
      LOG_LEVEL: "warn",
      NEXT_DIST_DIR: process.env.E2E_DIST_DIR ?? ".next-e2e",
      // Many accounts are made from one address in a few seconds; the per-account lock after
      // failed sign-ins (tested here) stays at its default.
      SIGN_IN_RATE_LIMIT_MAX: "10000",
      AUTH_RATE_LIMIT_MAX: "100000",
      API_RATE_LIMIT_MAX: "100000",
    },
  },
});
