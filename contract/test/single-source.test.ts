// The contract is written once (the sources in src/ run in the browser too, so this test, which
// reads files, lives apart with Node's types): no source file of the API or the web app restates one of its
// limits, enumerations or defaults. (Tests may: they check the values from outside.)
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_API_PORT, DEFAULT_WEB_PORT } from "../src/settings.ts";
import { BULK_ACTIONS, DUE_FILTERS, PRIORITIES, SORTS, STATUSES } from "../src/tasks.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SOURCES = [
  "backend/src",
  "backend/scripts",
  "frontend/src",
  "frontend/server.ts",
  "scripts/start.ts",
];
// The environment's own bounds (ports, pool sizes) are settings, not the API's contract.
const NOT_CONTRACT = new Set(["backend/src/env.ts", "frontend/src/env.ts"]);

function sourceFiles(path: string): string[] {
  const full = join(ROOT, path);
  if (/\.tsx?$/.test(path)) return [path];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(path, entry.name))
      : /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)
        ? [join(path, entry.name)]
        : [],
  );
}

const allFiles = SOURCES.flatMap(sourceFiles)
  .filter((file) => !file.endsWith("api-schema.ts"))
  .map((file) => ({ file, text: readFileSync(join(ROOT, file), "utf8") }));
const files = allFiles.filter(({ file }) => !NOT_CONTRACT.has(file));

/** `file:line` of every match of `pattern` outside the contract. */
function restated(pattern: RegExp, among = files): string[] {
  return among.flatMap(({ file, text }) =>
    text
      .split("\n")
      .flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
  );
}

/** Two values of an enumeration side by side in quotes, as a copy of it would have them. */
const listed = (values: readonly string[]) =>
  new RegExp(`["']${values[0]}["'],\\s*["']${values[1]}["']`);

describe("the contract is written once", () => {
  it("has scanned the sources", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it("no length or count limit is a number written in place", () => {
    // A schema's .max(200) or .min(8), an input's maxLength={200}; not Math.max, and not .min(1)
    // (not empty), which says what the value is rather than restating a limit.
    expect(
      restated(/(?<!Math)\.(max|min)\(\s*(?:[2-9]|\d{2,})|(maxLength|minLength)=\{\s*\d/),
    ).toEqual([]);
  });

  it.each([
    ["priorities", PRIORITIES],
    ["statuses", STATUSES],
    ["due filters", DUE_FILTERS],
    ["sorts", SORTS],
    ["bulk actions", BULK_ACTIONS],
  ])("the %s are listed only in the contract", (_, values) => {
    expect(restated(listed(values))).toEqual([]);
  });

  it("a task's defaults are not restated", () => {
    expect(restated(/priority:\s*"none"|description:\s*""|tags:\s*\[\]/)).toEqual([]);
  });

  it("the default ports are written once, in settings.ts", () => {
    // As code writes a port: in a URL or a string, or beside a PORT name (comments aside).
    const port = (n: number) =>
      new RegExp(`^(?!\\s*(\\*|//)).*([:"'\`]${n}\\b|PORT\\b.*\\b${n}\\b)`);
    expect(restated(port(DEFAULT_API_PORT), allFiles)).toEqual([]);
    expect(restated(port(DEFAULT_WEB_PORT), allFiles)).toEqual([]);
  });
});
