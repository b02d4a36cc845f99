// Start-up benchmark: time from spawning the backend (as `npm start --workspace backend` runs it)
// to the first 200 from /readyz, on a new and on an existing PGlite data directory, and on the
// Postgres server given by BENCH_DATABASE_URL when set. Writes bench/results/startup.md.
//
//   npm run bench:startup                                   # PGlite only
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:startup
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withThrowawayDatabase } from "./throwaway-database.ts";

const ROUNDS = 5;
const backendDir = fileURLToPath(new URL("../backend", import.meta.url));
const resultsFile = fileURLToPath(new URL("./results/startup.md", import.meta.url));

async function startOnce(vars: Record<string, string>): Promise<number> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    cwd: backendDir,
    env: {
      PATH: process.env.PATH ?? "",
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "info",
      DATABASE_URL: "",
      ...vars,
    },
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
      const url = output.match(/Todo API on (http:\/\/[\d.]+:\d+)/)?.[1];
      if (url) {
        const response = await fetch(`${url}/readyz`).catch(() => undefined);
        if (response?.status === 200) return performance.now() - started;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}

function summarise(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const ms = (n: number | undefined) => `${Math.round(n ?? Number.NaN)} ms`;
  return `| ${label} | ${ms(median)} | ${ms(sorted[0])} | ${ms(sorted.at(-1))} | ${samples.length} |`;
}

const rows: string[] = [];

const newDir: number[] = [];
const existingDir: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const dataDir = mkdtempSync(join(tmpdir(), "todo-bench-"));
  try {
    newDir.push(await startOnce({ DATA_DIR: dataDir }));
    existingDir.push(await startOnce({ DATA_DIR: dataDir }));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
rows.push(
  summarise("PGlite, new data directory (creates the database, applies migrations)", newDir),
);
rows.push(summarise("PGlite, existing data directory (schema up to date)", existingDir));

const serverUrl = process.env.BENCH_DATABASE_URL;
if (serverUrl) {
  const emptyDb: number[] = [];
  const migratedDb: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    await withThrowawayDatabase(serverUrl, async (url) => {
      emptyDb.push(await startOnce({ DATABASE_URL: url }));
      migratedDb.push(await startOnce({ DATABASE_URL: url }));
    });
  }
  rows.push(
    summarise("Postgres server (node-postgres), empty database (applies migrations)", emptyDb),
  );
  rows.push(summarise("Postgres server (node-postgres), schema up to date", migratedDb));
}

const report = `# Start-up time

Time from spawning the backend process to its first \`200\` from \`/readyz\` (includes Node and
tsx start-up, opening the database, migrations, and the first query). Produced by
\`npm run bench:startup\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version},
${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB.

| database | median | min | max | runs |
| --- | --- | --- | --- | --- |
${rows.join("\n")}
`;
writeFileSync(resultsFile, report);
console.log(report);
