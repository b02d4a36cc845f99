// Shared by the reliability suite (issue 7). `npm test` runs each part in a short version;
// `npm run test:reliability` sets RELIABILITY=full for the full sizes and records each part's
// figures, which scripts/reliability-report.ts writes into docs/reliability.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BACKEND_DIR } from "../../src/env.ts";
import { databaseKind } from "../helpers.ts";

/** True in `npm run test:reliability`; false in `npm test`'s short version. */
export const FULL = process.env.RELIABILITY === "full";

/** A size for this run: the short version's, or the full suite's. */
export function size(short: number, full: number): number {
  return FULL ? full : short;
}

/** Where the full run leaves its figures (git-ignored; the report is what is committed). */
export const FIGURES_DIR = resolve(BACKEND_DIR, "..", ".reliability");

/**
 * Records what a part measured, for docs/reliability.md: one JSON file per part and database.
 * Only the full run records; the short version's figures would overwrite them with small ones.
 * `figures` are label → value, in the order they should be shown.
 */
export function recordFigures(
  part: string,
  figures: Record<string, string | number | boolean>,
  database: string = databaseKind,
): void {
  if (!FULL) return;
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = join(FIGURES_DIR, `${part}.${database.toLowerCase()}.json`);
  const record = { part, database, recordedAt: new Date().toISOString(), figures };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}
