import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";

/** Removes what playwright.config.ts made for this run: the data directory and the database. */
export default function globalTeardown() {
  if (process.env.E2E_DATA_DIR) rmSync(process.env.E2E_DATA_DIR, { recursive: true, force: true });
  const url = process.env.E2E_DATABASE_URL;
  if (url && process.env.TEST_DATABASE_URL) {
    const name = new URL(url).pathname.slice(1);
    spawnSync("psql", [
      process.env.TEST_DATABASE_URL,
      "-qc",
      `drop database if exists ${name} with (force)`,
    ]);
  }
}
