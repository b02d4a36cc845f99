// Start-up benchmark: time from spawning the backend (as `npm start` runs it: the bundle,
// backend/dist/server.mjs, built first when stale) to the first 200 from /readyz, and its resident
// memory once idle, on a new and on an existing PGlite data directory, and on the Postgres server
// given by BENCH_DATABASE_URL when set. For comparison, the same from sources with tsx (as dev and
// the tests run it). Writes bench/results/startup.md.
//
//   npm run bench:startup                                   # PGlite only
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:startup
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUNDLE, buildBundle, isBundleFresh } from "../backend/scripts/build.ts";
import { withThrowawayDatabase } from "./throwaway-database.ts";

const ROUNDS = 5;
/** How long after the first 200 the resident memory is read: start-up garbage is collected. */
const IDLE_MS = 2000;

const BUNDLED = [BUNDLE];
const FROM_SOURCES = ["--import", "tsx", "src/server.ts"];

interface Sample {
  ms: number;
  rssMB: number;
}
const backendDir = fileURLToPath(new URL("../backend", import.meta.url));
const resultsFile = fileURLToPath(new URL("./results/startup.md", import.meta.url));

/** Resident memory of a process (MB), from /proc. */
function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

async function startOnce(vars: Record<string, string>, args = BUNDLED): Promise<Sample> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
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
        if (response?.status === 200) {
          const ms = performance.now() - started;
          await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
          return { ms, rssMB: rssMB(child.pid as number) };
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}

function summarise(label: string, samples: Sample[]): string {
  const sorted = [...samples].sort((a, b) => a.ms - b.ms);
  const median = <K extends keyof Sample>(key: K) =>
    [...samples].sort((a, b) => a[key] - b[key])[Math.floor(samples.length / 2)]?.[key];
  const ms = (n: number | undefined) => `${Math.round(n ?? Number.NaN)} ms`;
  const mb = (n: number | undefined) => `${Math.round(n ?? Number.NaN)} MB`;
  return `| ${label} | ${ms(median("ms"))} | ${ms(sorted[0]?.ms)} | ${ms(sorted.at(-1)?.ms)} | ${mb(median("rssMB"))} | ${samples.length} |`;
}

if (!isBundleFresh()) await buildBundle();

const rows: string[] = [];

const newDir: Sample[] = [];
const existingDir: Sample[] = [];
const existingDirSources: Sample[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const dataDir = mkdtempSync(join(tmpdir(), "todo-bench-"));
  try {
    newDir.push(await startOnce({ DATA_DIR: dataDir }));
    existingDir.push(await startOnce({ DATA_DIR: dataDir }));
    existingDirSources.push(await startOnce({ DATA_DIR: dataDir }, FROM_SOURCES));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
rows.push(
  summarise("PGlite, new data directory (creates the database, applies migrations)", newDir),
);
rows.push(summarise("PGlite, existing data directory (schema up to date)", existingDir));
rows.push(
  summarise("PGlite, existing data directory, from sources (tsx, as in dev)", existingDirSources),
);

const serverUrl = process.env.BENCH_DATABASE_URL;
if (serverUrl) {
  const emptyDb: Sample[] = [];
  const migratedDb: Sample[] = [];
  const migratedDbSources: Sample[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    await withThrowawayDatabase(serverUrl, async (url) => {
      emptyDb.push(await startOnce({ DATABASE_URL: url }));
      migratedDb.push(await startOnce({ DATABASE_URL: url }));
      migratedDbSources.push(await startOnce({ DATABASE_URL: url }, FROM_SOURCES));
    });
  }
  rows.push(
    summarise("Postgres server (node-postgres), empty database (applies migrations)", emptyDb),
  );
  rows.push(summarise("Postgres server (node-postgres), schema up to date", migratedDb));
  rows.push(
    summarise(
      "Postgres server, schema up to date, from sources (tsx, as in dev)",
      migratedDbSources,
    ),
  );
}

const report = `# Start-up time

Time from spawning the backend process to its first \`200\` from \`/readyz\` (includes Node
start-up, loading the code, opening the database, migrations, and the first query), and its
resident memory (RSS) ${IDLE_MS / 1000} s later, idle. The backend runs as \`npm start\` runs it: the bundle
\`backend/dist/server.mjs\` (\`npm run build --workspace backend\`); the rows "from sources" run
\`src/server.ts\` through tsx, as dev and the tests do. Targets (issue 6): ready within 1 s on an
existing PGlite directory; idle RSS at most 120 MB. Produced by
\`npm run bench:startup\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version},
${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB.

| database | median | min | max | idle RSS (median) | runs |
| --- | --- | --- | --- | --- | --- |
${rows.join("\n")}
`;
writeFileSync(resultsFile, report);
console.log(report);
