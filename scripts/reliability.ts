// `npm run test:reliability`: the full reliability suite (issue 7), then its figures into
// docs/reliability.md. Runs the backend's reliability tests at full size on PGlite and, when
// TEST_DATABASE_URL names a Postgres server, again on it; then the browser's hostile-text tests
// and the dependency audit. About an hour: the soak alone is ten minutes per database.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const FIGURES_DIR = join(ROOT, ".reliability");
const REPORT = join(ROOT, "docs", "reliability.md");
const postgresUrl = process.env.TEST_DATABASE_URL;

function step(title: string, command: string, args: string[], env: Record<string, string> = {}) {
  console.log(`\n== ${title}`);
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(`== ${title}: ${result.status === 0 ? "passed" : "FAILED"} in ${minutes} min`);
  return { title, passed: result.status === 0, minutes };
}

rmSync(FIGURES_DIR, { recursive: true, force: true });
const steps = [
  step(
    "reliability suite on PGlite",
    "npm",
    ["run", "test:reliability", "--workspace", "backend"],
    {
      TEST_DATABASE_URL: "",
    },
  ),
];
if (postgresUrl) {
  steps.push(
    step(
      "reliability suite on Postgres",
      "npm",
      ["run", "test:reliability", "--workspace", "backend"],
      { TEST_DATABASE_URL: postgresUrl },
    ),
  );
} else {
  console.log("\nTEST_DATABASE_URL is not set: the Postgres half of the suite is not run.");
}
steps.push(
  step("hostile text in the browser", "npm", [
    "run",
    "test:e2e",
    "--",
    "e2e/xss.spec.ts",
    "e2e/hostile-text.spec.ts",
  ]),
);
steps.push(step("dependency audit", "npm", ["run", "audit"]));

writeReport(steps);
const failed = steps.filter((s) => !s.passed);
console.log(failed.length ? `\nFailed: ${failed.map((s) => s.title).join("; ")}` : "\nAll passed.");
process.exit(failed.length ? 1 : 0);

/** Replaces the generated part of docs/reliability.md with this run's figures. */
function writeReport(done: { title: string; passed: boolean; minutes: string }[]) {
  const records = readdirSync(FIGURES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
    .map(
      (entry) =>
        JSON.parse(readFileSync(join(FIGURES_DIR, entry.name), "utf8")) as {
          part: string;
          database: string;
          recordedAt: string;
          figures: Record<string, string | number | boolean>;
        },
    )
    .sort((a, b) => a.part.localeCompare(b.part) || a.database.localeCompare(b.database));
  const lines = [
    `Run of ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC (\`npm run test:reliability\`${postgresUrl ? ", with Postgres" : ", PGlite only"}).`,
    "",
    "| step | result | minutes |",
    "| --- | --- | --- |",
    ...done.map((s) => `| ${s.title} | ${s.passed ? "passed" : "**failed**"} | ${s.minutes} |`),
    "",
  ];
  for (const record of records) {
    lines.push(`**${record.part}** on ${record.database}:`, "");
    lines.push("| figure | value |", "| --- | --- |");
    for (const [label, value] of Object.entries(record.figures)) {
      lines.push(`| ${label} | ${value} |`);
    }
    lines.push("");
  }
  const start = "<!-- figures:start -->";
  const end = "<!-- figures:end -->";
  const text = readFileSync(REPORT, "utf8");
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${REPORT} has no ${start} … ${end} section`);
  writeFileSync(
    REPORT,
    `${text.slice(0, from + start.length)}\n${lines.join("\n")}\n${text.slice(to)}`,
  );
  console.log(`\nFigures written to ${REPORT}`);
}
