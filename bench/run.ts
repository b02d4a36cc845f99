// `npm run bench`: every scenario against every system in one run, on the same data, with the
// same JWTs, and the results written to bench/results/<date>.json and .md (also printed).
// `npm run bench -- --smoke` is the quick pass CI runs so the harness keeps working.
//
// Systems so far: ours (the API on the Postgres server) and baseline-raw (node:http + pg + jose,
// the same SQL by hand: the floor for framework and ORM cost). Load comes from wrk (Debian).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import pg from "pg";
import { openDatabase } from "../backend/src/db/client.ts";
import {
  BIG_USER_EMAIL,
  type DataShape,
  emailOf,
  FULL,
  PASSWORD,
  SMALL_USER_EMAIL,
  SMOKE,
  seed,
} from "./data.ts";
import { pgbench, preparePgbench } from "./pgbench.ts";
import { withThrowawayDatabase } from "./throwaway-database.ts";

const smoke = process.argv.includes("--smoke");
const shape: DataShape = smoke ? SMOKE : FULL;
const RUNS = smoke ? 1 : 3;
const SECONDS = smoke ? 1 : 10;
const WARMUP_SECONDS = smoke ? 1 : 5;
const CONNECTIONS = 32;
const TOKEN_USERS = smoke ? 5 : 100;
const ISSUER = "http://localhost:8000";
const root = fileURLToPath(new URL("..", import.meta.url));
const resultsDir = join(root, "bench", "results");

// ---------------------------------------------------------------------------------------------
// Tools: installed from Debian's archive when missing (CI machines start without them).

function ensureTools() {
  const missing = ["wrk"].filter((tool) => {
    try {
      execFileSync("which", [tool], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  console.log(`Installing ${missing.join(", ")} (apt-get)…`);
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", ...missing], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

// ---------------------------------------------------------------------------------------------
// Systems under test: each its own process, on its own port.

interface System {
  name: string;
  base: string;
  process: ChildProcess;
}

async function start(
  name: string,
  port: number,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<System> {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${stderr}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { name, base, process: child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not start:\n${stderr}`);
}

async function stop(system: System) {
  system.process.kill("SIGTERM");
  await new Promise((r) => system.process.once("exit", r));
}

/** Resident memory now and at its peak (kB), from /proc. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]);
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

/** CPU time the process has used so far, in microseconds (user + system). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return (ticks / CLOCK_TICKS) * 1_000_000;
}
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

// ---------------------------------------------------------------------------------------------
// Identities: JWTs from our API for a sample of users (sign-in costs a password hash each).

interface Identity {
  token: string;
  taskIds: number[];
}

async function identity(base: string, email: string): Promise<Identity> {
  const signIn = await fetch(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { Origin: "http://localhost:3000", "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!signIn.ok) throw new Error(`sign-in ${email}: ${signIn.status} ${await signIn.text()}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await fetch(`${base}/api/auth/token`, { headers: { Cookie: cookie } });
  const { token } = (await response.json()) as { token: string };
  // Tasks of this user to toggle: from the API, so it works on any database.
  const page = (await (
    await fetch(`${base}/api/me/tasks?limit=20&sort=-created`, {
      headers: { Authorization: `Bearer ${token}` },
    })
  ).json()) as { items: { id: number }[] };
  return { token, taskIds: page.items.map((t) => t.id) };
}

async function signUpFirst(base: string) {
  const signUp = await fetch(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { Origin: "http://localhost:3000", "Content-Type": "application/json" },
    body: JSON.stringify({ email: emailOf(0), password: PASSWORD }),
  });
  if (!signUp.ok) throw new Error(`sign-up: ${signUp.status} ${await signUp.text()}`);
}

interface Identities {
  users: Identity[];
  big: Identity[];
  small: Identity[];
}

async function identities(base: string): Promise<Identities> {
  const users: Identity[] = [];
  for (let n = 0; n < TOKEN_USERS; n++) {
    users.push(await identity(base, emailOf(Math.floor((n * shape.users) / TOKEN_USERS))));
  }
  return {
    users,
    big: [await identity(base, BIG_USER_EMAIL)],
    small: [await identity(base, SMALL_USER_EMAIL)],
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios, as wrk Lua scripts: each request picks a random user (and one of their tasks).

const CREATE_BODY = '{"title":"Benchmark task","priority":"medium","tags":["bench"]}';
type Scenario =
  | "healthz"
  | "list"
  | "create"
  | "toggle"
  | "mix"
  | "list-big"
  | "list-small"
  | "search-big"
  | "search-small";

function luaScript(scenario: Scenario, identities: Identity[]): string {
  const tokens = identities.map((i) => `"${i.token}"`).join(",");
  const ids = identities.map((i) => `{${i.taskIds.join(",")}}`).join(",");
  return `
local tokens = {${tokens}}
local ids = {${ids}}
local body = '${CREATE_BODY}'
local function pick() return math.random(#tokens) end
local function headers(i, json)
  local h = { ["Authorization"] = "Bearer " .. tokens[i] }
  if json then h["Content-Type"] = "application/json" end
  return h
end
local function list(i) return wrk.format("GET", "/api/me/tasks?limit=50", headers(i)) end
local function create(i) return wrk.format("POST", "/api/me/tasks", headers(i, true), body) end
local function toggle(i)
  local own = ids[i]
  return wrk.format("PATCH", "/api/me/tasks/" .. own[math.random(#own)] .. "/complete", headers(i))
end
local function search(i) return wrk.format("GET", "/api/me/tasks?q=report&limit=50", headers(i)) end
request = function()
  local i = pick()
  local scenario = "${scenario}"
  if scenario == "healthz" then return wrk.format("GET", "/healthz") end
  if scenario == "list" or scenario == "list-big" or scenario == "list-small" then return list(i) end
  if scenario == "create" then return create(i) end
  if scenario == "toggle" then return toggle(i) end
  if scenario == "search-big" or scenario == "search-small" then return search(i) end
  local r = math.random(100)
  if r <= 80 then return list(i) elseif r <= 90 then return create(i) else return toggle(i) end
end
`;
}

interface Measurement {
  rps: number;
  /** CPU time of the server process per request, in microseconds. */
  cpuPerRequest: number;
  p50: number;
  p99: number;
  errors: number;
}

const ms = (text: string | undefined) => {
  const match = /([\d.]+)(us|ms|s)/.exec(text ?? "");
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === "us" ? value / 1000 : match[2] === "s" ? value * 1000 : value;
};

function wrk(system: System, script: string, seconds: number, connections: number): Measurement {
  const base = system.base;
  const cpuBefore = cpuMicros(system.process.pid as number);
  const text = execFileSync(
    "wrk",
    ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, base],
    { encoding: "utf8" },
  );
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    text,
  );
  const cpu = cpuMicros(system.process.pid as number) - cpuBefore;
  const requests = Number(/(\d+) requests in/.exec(text)?.[1]);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]),
    cpuPerRequest: cpu / requests,
    p50: ms(/^\s+50%\s+(\S+)/m.exec(text)?.[1]),
    p99: ms(/^\s+99%\s+(\S+)/m.exec(text)?.[1]),
    errors:
      Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0) +
      (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0),
  };
}

interface SystemStats {
  /** From spawning the process to the first authenticated 200, existing data; median. */
  coldStartMs: number[];
  idleRssMB: number;
  peakRssMB: number;
}
const stats: Record<string, SystemStats> = {};

/** Spawn to the first authenticated 200 (a list page with a JWT), a few times; stops each. */
async function coldStarts(launch: () => Promise<System>, token: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < (smoke ? 1 : 3); i++) {
    const began = performance.now();
    const system = await launch();
    for (;;) {
      const response = await fetch(`${system.base}/api/me/tasks?limit=50`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      if (response.status === 200) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    times.push(performance.now() - began);
    await stop(system);
  }
  return times;
}

interface Result {
  system: string;
  scenario: Scenario;
  connections: number;
  runs: Measurement[];
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

// ---------------------------------------------------------------------------------------------

/** Every scenario against one system, with identities its own auth issued. */
function measure(system: System, who: Identities) {
  const plan: [Scenario, Identity[], number][] = [
    ["healthz", who.users, CONNECTIONS],
    ["list", who.users, CONNECTIONS],
    ["create", who.users, CONNECTIONS],
    ["toggle", who.users, CONNECTIONS],
    ["mix", who.users, CONNECTIONS],
    // One connection: the latency of one user's request, not the queue's.
    ["list-big", who.big, 1],
    ["list-small", who.small, 1],
    ["search-big", who.big, 1],
    ["search-small", who.small, 1],
  ];
  const script = (scenario: Scenario, identities: Identity[]) => {
    const file = join(tmpdir(), `todo-bench-${process.pid}-${system.name}-${scenario}.lua`);
    writeFileSync(file, luaScript(scenario, identities));
    return file;
  };
  const idleRssMB = memory(system.process.pid as number).rss / 1024;
  wrk(system, script("list", who.users), WARMUP_SECONDS, CONNECTIONS);
  for (const [scenario, identities, connections] of plan) {
    const file = script(scenario, identities);
    const runs: Measurement[] = [];
    for (let run = 0; run < RUNS; run++) runs.push(wrk(system, file, SECONDS, connections));
    results.push({ system: system.name, scenario, connections, runs });
    const errs = runs.reduce((sum, r) => sum + r.errors, 0);
    console.log(
      `${system.name.padEnd(13)} ${scenario.padEnd(13)} ${Math.round(median(runs.map((r) => r.rps)))} req/s${errs ? `, ${errs} errors` : ""}`,
    );
  }
  stats[system.name] = {
    coldStartMs: [],
    idleRssMB,
    peakRssMB: memory(system.process.pid as number).peak / 1024,
  };
}

ensureTools();
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const results: Result[] = [];
const secret = randomBytes(32).toString("hex");
const started = Date.now();
const backendDir = join(root, "backend");
const oursEnv = {
  BETTER_AUTH_SECRET: secret,
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  BETTER_AUTH_URL: ISSUER,
  API_RATE_LIMIT_MAX: "1000000",
  SIGN_IN_RATE_LIMIT_MAX: "100000",
  AUTH_RATE_LIMIT_MAX: "100000",
};
const startOurs = (name: string, env: Record<string, string>) =>
  start(name, 18_000, ["--import", "tsx", "src/server.ts"], backendDir, { ...oursEnv, ...env });

// On the Postgres server: ours and the baseline, on one database.
await withThrowawayDatabase(serverUrl, async (url) => {
  const systems: System[] = [await startOurs("ours", { DATABASE_URL: url })];
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const ours = systems[0] as System;
    await signUpFirst(ours.base);
    const seeded = Date.now();
    await seed(async (text) => (await db.query(text)).rows, shape);
    console.log(
      `Postgres data: ${shape.users} users x ${shape.tasksPerUser} tasks + ${shape.bigUserTasks} for one, in ${((Date.now() - seeded) / 1000).toFixed(1)} s`,
    );
    const who = await identities(ours.base);
    const launchers: Record<string, () => Promise<System>> = {
      ours: () => startOurs("ours", { DATABASE_URL: url }),
    };
    const baselineServer = join(root, "bench", "baseline-raw", "server.ts");
    if (existsSync(baselineServer)) {
      launchers["baseline-raw"] = () =>
        start("baseline-raw", 18_001, ["--import", "tsx", baselineServer], root, {
          DATABASE_URL: url,
          BETTER_AUTH_SECRET: secret,
          JWT_ISSUER: ISSUER,
        });
      systems.push(await (launchers["baseline-raw"] as () => Promise<System>)());
    }
    for (const system of systems) measure(system, who);
    for (const system of systems.splice(0)) await stop(system);
    for (const [name, launch] of Object.entries(launchers)) {
      (stats[name] as SystemStats).coldStartMs = await coldStarts(
        launch,
        who.users[0]?.token ?? "",
      );
    }

    // The database's own limit, on the same data: the same SQL through pgbench.
    const vars = await preparePgbench(db);
    for (const scenario of ["list", "create", "toggle", "mix"] as const) {
      const runs: Measurement[] = [];
      for (let run = 0; run < RUNS; run++) {
        const r = pgbench(url, scenario, vars, SECONDS, CONNECTIONS);
        runs.push({
          rps: r.tps,
          cpuPerRequest: Number.NaN,
          p50: r.latencyMs,
          p99: Number.NaN,
          errors: r.failed,
        });
      }
      results.push({ system: "pgbench", scenario, connections: CONNECTIONS, runs });
      console.log(
        `${"pgbench".padEnd(13)} ${scenario.padEnd(13)} ${Math.round(median(runs.map((r) => r.rps)))} tps`,
      );
    }
  } finally {
    await db.end();
    for (const system of systems) await stop(system);
  }
});

// On PGlite: the same data in a new data directory, reported on its own. Only one process may
// open it: the server makes it (migrations) and signs up the first user, stops; this process
// adds the data; the server starts again on it.
{
  const dataDir = mkdtempSync(join(tmpdir(), "todo-bench-pglite-"));
  try {
    let ours = await startOurs("ours-pglite", { DATA_DIR: dataDir, DATABASE_URL: "" });
    await signUpFirst(ours.base);
    await stop(ours);
    const seeded = Date.now();
    const database = await openDatabase({ dataDir });
    try {
      await seed(async (text) => (await database.db.execute(sql.raw(text))).rows, shape);
    } finally {
      await database.close();
    }
    console.log(`PGlite data in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);
    const launch = () => startOurs("ours-pglite", { DATA_DIR: dataDir, DATABASE_URL: "" });
    ours = await launch();
    let token = "";
    try {
      const who = await identities(ours.base);
      token = who.users[0]?.token ?? "";
      measure(ours, who);
    } finally {
      await stop(ours);
    }
    (stats["ours-pglite"] as SystemStats).coldStartMs = await coldStarts(launch, token);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Report.

const find = (system: string, scenario: Scenario) =>
  results.find((r) => r.system === system && r.scenario === scenario);
const medianOf = (r: Result | undefined, key: keyof Measurement) =>
  r ? median(r.runs.map((m) => m[key])) : Number.NaN;
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}` : "n/a");
const errors = results.reduce((sum, r) => sum + r.runs.reduce((s, m) => s + m.errors, 0), 0);
// PGlite is reported on its own, not mixed into the comparison on the Postgres server.
const systemNames = [...new Set(results.map((r) => r.system))].filter((s) => s !== "ours-pglite");
const scenarios = [...new Set(results.map((r) => r.scenario))];

const ratios = [
  `- ours / baseline-raw, list: **${ratio(medianOf(find("ours", "list"), "rps"), medianOf(find("baseline-raw", "list"), "rps"))}**; create: **${ratio(medianOf(find("ours", "create"), "rps"), medianOf(find("baseline-raw", "create"), "rps"))}** (throughput; target ≥ 0.95)`,
  `- ours / pgbench (the same SQL with no HTTP, JSON or auth), list: **${ratio(medianOf(find("ours", "list"), "rps"), medianOf(find("pgbench", "list"), "rps"))}**; create: **${ratio(medianOf(find("ours", "create"), "rps"), medianOf(find("pgbench", "create"), "rps"))}**; mix: **${ratio(medianOf(find("ours", "mix"), "rps"), medianOf(find("pgbench", "mix"), "rps"))}**`,
  `- PGlite / Postgres (ours), list: **${ratio(medianOf(find("ours-pglite", "list"), "rps"), medianOf(find("ours", "list"), "rps"))}**; create: **${ratio(medianOf(find("ours-pglite", "create"), "rps"), medianOf(find("ours", "create"), "rps"))}**`,
  `- 100,000-task user / 100-task user, p50 (ours): list **${ratio(medianOf(find("ours", "list-big"), "p50"), medianOf(find("ours", "list-small"), "p50"))}**, search **${ratio(medianOf(find("ours", "search-big"), "p50"), medianOf(find("ours", "search-small"), "p50"))}** (target ≤ 1.5); search p50 on the big user: **${medianOf(find("ours", "search-big"), "p50").toFixed(2)} ms** (target ≤ 20 ms)`,
];
const cell = (r: Result | undefined) => {
  if (!r) return "–";
  const rps = r.runs.map((m) => m.rps);
  const range =
    RUNS > 1 ? ` (${Math.round(Math.min(...rps))}–${Math.round(Math.max(...rps))})` : "";
  const latency = Number.isNaN(medianOf(r, "p99"))
    ? `mean ${medianOf(r, "p50").toFixed(2)} ms` // pgbench reports the mean only
    : `p50 ${medianOf(r, "p50").toFixed(2)} ms, p99 ${medianOf(r, "p99").toFixed(2)} ms`;
  return `${Math.round(median(rps))}${range} req/s, ${latency}`;
};
const tableOf = (names: string[]) =>
  [
    `| scenario | connections | ${names.join(" | ")} |`,
    `| --- | --- | ${names.map(() => "---").join(" | ")} |`,
    ...scenarios.map(
      (scenario) =>
        `| ${scenario} | ${find(names[0] as string, scenario)?.connections} | ${names.map((s) => cell(find(s, scenario))).join(" | ")} |`,
    ),
  ].join("\n");
const date = new Date().toISOString().slice(0, 10);
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const report = `# Benchmark${smoke ? " (smoke)" : ""}: ${date}

${machine}; Postgres at ${new URL(serverUrl).host}; data: ${shape.users.toLocaleString("en")} users × ${shape.tasksPerUser.toLocaleString("en")} tasks, plus one user with ${shape.bigUserTasks.toLocaleString("en")} and one with 100. wrk, 1 thread; ${RUNS} run(s) of ${SECONDS} s per cell after a ${WARMUP_SECONDS} s warm-up; the median, with min–max. Bearer JWTs of ${TOKEN_USERS} users, a random one per request. Errors (non-2xx and socket errors): **${errors}**${errors ? " — this run is void" : ""}.

${ratios.join("\n")}

## On the Postgres server

${tableOf(systemNames)}

## On PGlite (embedded, one process)

${tableOf(["ours-pglite"])}

## Processes

| system | cold start to first authenticated 200 (ms) | idle RSS (MB) | peak RSS (MB) | CPU per request, list / create (µs) |
| --- | --- | --- | --- | --- |
${Object.entries(stats)
  .map(
    ([name, st]) =>
      `| ${name} | ${Math.round(median(st.coldStartMs))}${st.coldStartMs.length > 1 ? ` (${Math.round(Math.min(...st.coldStartMs))}–${Math.round(Math.max(...st.coldStartMs))})` : ""} | ${st.idleRssMB.toFixed(0)} | ${st.peakRssMB.toFixed(0)} | ${Math.round(medianOf(find(name, "list"), "cpuPerRequest"))} / ${Math.round(medianOf(find(name, "create"), "cpuPerRequest"))} |`,
  )
  .join("\n")}

Reproduce: \`npm run bench\` (\`-- --smoke\` for the quick pass). Took ${Math.round((Date.now() - started) / 1000)} s.
`;
console.log(`\n${report}`);
if (!smoke) {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${date}.md`), report);
  writeFileSync(
    join(resultsDir, `${date}.json`),
    `${JSON.stringify({ date, machine, shape, runs: RUNS, seconds: SECONDS, stats, results }, null, 2)}\n`,
  );
}
if (errors > 0) process.exit(1);
