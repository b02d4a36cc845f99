// `npm run bench`: every scenario against every system in one run, on the same data, with the
// same JWTs, and the results written to bench/results/<date>.json and .md (also printed).
// `npm run bench -- --smoke` is the quick pass CI runs so the harness keeps working.
//
// Systems: ours (the API on the Postgres server, and on PGlite), baseline-raw (node:http + pg +
// jose, the same SQL by hand: the floor for framework and ORM cost), the seed stack (FastAPI +
// SQLModel on uvicorn, from Debian) and pgbench (the same SQL, no HTTP: the database's limit).
// Load comes from wrk (Debian), at saturation and at a fixed rate (Poisson arrivals, via delay()). Per-core comparison:
// each server is pinned to core 0; the load generators and Postgres to core 1.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import pg from "pg";
import { BUNDLE, buildBundle, isBundleFresh } from "../backend/scripts/build.ts";
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
import { ensureSeedStack, seedStackCommand } from "./seed-stack/launch.ts";
import { withThrowawayDatabase } from "./throwaway-database.ts";

const smoke = process.argv.includes("--smoke");
const shape: DataShape = smoke ? SMOKE : FULL;
const RUNS = smoke ? 1 : 3;
const SECONDS = smoke ? 1 : 10;
const WARMUP_SECONDS = smoke ? 0 : 5;
const CONNECTIONS = 32;
const SIGN_IN_CONNECTIONS = 8;
const PGBENCH_SCENARIOS = ["list", "create", "toggle", "mix"] as const;
const RATE_CONNECTIONS = 8;
const TOKEN_USERS = smoke ? 5 : 100;
const ISSUER = "http://localhost:8000";
const ORIGIN = "http://localhost:3000";
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

// The server runs alone on SERVER_CORE; this process, wrk, autocannon and Postgres on LOAD_CORE.
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const pinning = cpus().length >= 2;

/** Puts every thread of `pid` on `core`; false when the system refuses (not permitted). */
function pin(pid: number, core: number | string): boolean {
  try {
    execFileSync("taskset", ["-a", "-p", "-c", String(core), String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The Postgres server's processes (backends started later inherit the postmaster's cores). */
const postgresPids = () =>
  execFileSync("pgrep", ["-x", "postgres"], { encoding: "utf8" }).split("\n").filter(Boolean);

const START_TIMEOUT_MS = 60_000;

async function start(
  name: string,
  port: number,
  command: { command: string; args: string[]; cwd: string },
  env: Record<string, string>,
): Promise<System> {
  const [file, args] = pinning
    ? ["taskset", ["-c", String(SERVER_CORE), command.command, ...command.args]]
    : [command.command, command.args];
  const child = spawn(file, args, {
    cwd: command.cwd,
    env: { PATH: process.env.PATH ?? "", ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const base = `http://127.0.0.1:${port}`;
  // A first start on a new PGlite directory runs initdb on one core: seconds, more on a busy CI
  // machine. A server that never answers is killed, so nothing is left running on its data.
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${stderr}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { name, base, process: child };
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGKILL");
  throw new Error(`${name} did not start in ${START_TIMEOUT_MS / 1000} s:\n${stderr}`);
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
  email: string;
  /** The session cookie: mints new JWTs without another sign-in (password hash). */
  cookie: string;
  token: string;
  taskIds: number[];
}

async function identity(base: string, email: string): Promise<Identity> {
  const signIn = await fetch(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { Origin: ORIGIN, "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!signIn.ok) throw new Error(`sign-in ${email}: ${signIn.status} ${await signIn.text()}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const token = await newToken(base, cookie);
  // Tasks of this user to toggle: from the API, so it works on any database.
  const page = (await (
    await fetch(`${base}/api/me/tasks?limit=20&sort=-created`, {
      headers: { Authorization: `Bearer ${token}` },
    })
  ).json()) as { items: { id: number }[] };
  return { email, cookie, token, taskIds: page.items.map((t) => t.id) };
}

/**
 * A new JWT from the session cookie, over a connection of its own: fetch's kept-alive sockets go
 * stale while wrk runs (execFileSync blocks the event loop that would close them), and reusing
 * one fails with EPIPE.
 */
function newToken(base: string, cookie: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpGet(
      `${base}/api/auth/token`,
      { agent: false, headers: { Cookie: cookie } },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => {
          body += chunk;
        });
        response.on("end", () => {
          if (response.statusCode !== 200)
            reject(new Error(`token: ${response.statusCode} ${body}`));
          else resolve((JSON.parse(body) as { token: string }).token);
        });
      },
    );
    request.on("error", reject);
  });
}

/**
 * Fresh JWTs for every identity: they live 15 minutes, less than a full run. Called before each
 * system is measured, so no token expires within a measurement (which would void the run).
 */
async function refreshTokens(base: string, who: Identities) {
  for (const identity of [...who.users, ...who.big, ...who.small]) {
    identity.token = await newToken(base, identity.cookie);
  }
}

async function signUpFirst(base: string) {
  const signUp = await fetch(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { Origin: ORIGIN, "Content-Type": "application/json" },
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
  | "search-small"
  | "sign-in";

/**
 * The wrk script for a scenario. With `rate` (requests/s over `connections`), each connection
 * waits an exponentially distributed time between requests: Poisson arrivals at about that rate.
 */
function luaScript(
  scenario: Scenario,
  identities: Identity[],
  rate?: { perSecond: number; connections: number },
): string {
  const tokens = identities.map((i) => `"${i.token}"`).join(",");
  const emails = identities.map((i) => `"${i.email}"`).join(",");
  const ids = identities.map((i) => `{${i.taskIds.join(",")}}`).join(",");
  return `
local tokens = {${tokens}}
local emails = {${emails}}
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
local function signIn(i)
  local h = { ["Content-Type"] = "application/json", ["Origin"] = "${ORIGIN}" }
  return wrk.format("POST", "/api/auth/sign-in/email", h,
    '{"email":"' .. emails[i] .. '","password":"${PASSWORD}"}')
end
request = function()
  local i = pick()
  local scenario = "${scenario}"
  if scenario == "healthz" then return wrk.format("GET", "/healthz") end
  if scenario == "list" or scenario == "list-big" or scenario == "list-small" then return list(i) end
  if scenario == "create" then return create(i) end
  if scenario == "toggle" then return toggle(i) end
  if scenario == "search-big" or scenario == "search-small" then return search(i) end
  if scenario == "sign-in" then return signIn(i) end
  local r = math.random(100)
  if r <= 80 then return list(i) elseif r <= 90 then return create(i) else return toggle(i) end
end
${
  rate
    ? `local mean_ms = ${(1000 * rate.connections) / rate.perSecond}
delay = function() return math.floor(-mean_ms * math.log(1 - math.random())) end`
    : ""
}
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
    for (let tries = 0; ; tries++) {
      const response = await fetch(`${system.base}/api/me/tasks?limit=50`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      if (response.status === 200) break;
      if (tries > 1000) {
        await stop(system);
        throw new Error(`${system.name}: no authenticated 200 after start (${response.status})`);
      }
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
  /** Fixed request rate (req/s), when not at saturation. */
  rate?: number | undefined;
  runs: Measurement[];
}

/** The saturation result of a system in a scenario (or, with `rate`, the fixed-rate one). */
const find = (system: string, scenario: Scenario, rate = false) =>
  results.find(
    (r) => r.system === system && r.scenario === scenario && (r.rate !== undefined) === rate,
  );
const medianOf = (r: Result | undefined, key: keyof Measurement) =>
  r ? median(r.runs.map((m) => m[key])) : Number.NaN;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

// ---------------------------------------------------------------------------------------------

const scriptFile = (system: System, scenario: string, text: string) => {
  const file = join(tmpdir(), `todo-bench-${process.pid}-${system.name}-${scenario}.lua`);
  writeFileSync(file, text);
  return file;
};

/** RUNS runs of one wrk script; the result is recorded and printed. */
function measureCell(
  system: System,
  scenario: Scenario,
  file: string,
  connections: number,
  rate?: number,
) {
  const runs: Measurement[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(wrk(system, file, SECONDS, connections));
  results.push({ system: system.name, scenario, connections, rate, runs });
  const errs = runs.reduce((sum, r) => sum + r.errors, 0);
  const latency = rate
    ? `, p50 ${median(runs.map((r) => r.p50)).toFixed(2)} ms, p99 ${median(runs.map((r) => r.p99)).toFixed(2)} ms`
    : "";
  console.log(
    `${system.name.padEnd(13)} ${`${scenario}${rate ? ` @${rate}/s` : ""}`.padEnd(20)} ${Math.round(median(runs.map((r) => r.rps)))} req/s${latency}${errs ? `, ${errs} errors` : ""}`,
  );
}

/** Every scenario at saturation against one system, with identities our auth issued. */
function measure(system: System, who: Identities, { signIn }: { signIn: boolean }) {
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
    // Mostly the password hash (scrypt): reported on its own.
    ...(signIn
      ? [["sign-in", who.users, SIGN_IN_CONNECTIONS] as [Scenario, Identity[], number]]
      : []),
  ];
  const idleRssMB = memory(system.process.pid as number).rss / 1024;
  if (WARMUP_SECONDS > 0) {
    const warmUp = scriptFile(system, "warm-up", luaScript("list", who.users));
    wrk(system, warmUp, WARMUP_SECONDS, CONNECTIONS);
  }
  // The smoke pass runs each kind of request once: create and toggle are in the mix.
  const smokePlan = new Set<Scenario>(["healthz", "list", "mix", "search-big", "sign-in"]);
  for (const [scenario, identities, connections] of plan) {
    if (smoke && !smokePlan.has(scenario)) continue;
    measureCell(
      system,
      scenario,
      scriptFile(system, scenario, luaScript(scenario, identities)),
      connections,
    );
  }
  stats[system.name] = {
    coldStartMs: [],
    idleRssMB,
    peakRssMB: memory(system.process.pid as number).peak / 1024,
  };
}

/** List latency at a fixed request rate, well below saturation, so queueing does not hide it. */
function measureFixedRate(system: System, who: Identities, perSecond: number) {
  const connections = RATE_CONNECTIONS;
  const script = luaScript("list", who.users, { perSecond, connections });
  measureCell(system, "list", scriptFile(system, "list-rate", script), connections, perSecond);
}

ensureTools();
ensureSeedStack();
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const results: Result[] = [];
const secret = randomBytes(32).toString("hex");
const started = Date.now();
const backendDir = join(root, "backend");
// As `npm start` runs it: the bundle (built here when stale), not tsx on the sources.
if (!isBundleFresh()) await buildBundle();
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
  start(
    name,
    18_000,
    { command: process.execPath, args: [BUNDLE], cwd: backendDir },
    { ...oursEnv, ...env },
  );

// The per-core comparison: this process (and so wrk) and Postgres on LOAD_CORE, each server on
// SERVER_CORE (see start). Postgres gets its cores back at the end.
const pinned =
  pinning &&
  pin(process.pid, LOAD_CORE) &&
  postgresPids().every((pid) => pin(Number(pid), LOAD_CORE));
const unpinPostgres = () => {
  if (pinned) for (const pid of postgresPids()) pin(Number(pid), `0-${cpus().length - 1}`);
};
// Interrupted (Ctrl-C): Postgres gets its cores back all the same.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    unpinPostgres();
    process.exit(130);
  });
}
if (pinning && !pinned)
  console.warn("Could not pin Postgres to one core: the run is not per core.");
/** Half the slowest system's list throughput: the rate for the latency measurement. */
let fixedRate = 0;

// On the Postgres server: ours, the baseline and the seed stack, on one database.
try {
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
      const shared = {
        DATABASE_URL: url,
        JWT_ISSUER: ISSUER,
        CURSOR_SECRET: secret,
        NODE_ENV: "production",
      };
      const launchers: Record<string, () => Promise<System>> = {
        ours: () => startOurs("ours", { DATABASE_URL: url }),
        "baseline-raw": () =>
          start(
            "baseline-raw",
            18_001,
            {
              command: process.execPath,
              args: ["--import", "tsx", join(root, "bench", "baseline-raw", "server.ts")],
              cwd: root,
            },
            shared,
          ),
        "seed-stack": () => start("seed-stack", 18_002, seedStackCommand(18_002), shared),
      };
      for (const name of ["baseline-raw", "seed-stack"]) {
        systems.push(await (launchers[name] as () => Promise<System>)());
      }
      for (const system of systems) {
        await refreshTokens(ours.base, who);
        measure(system, who, { signIn: system.name === "ours" });
      }
      fixedRate = Math.max(
        1,
        Math.round(0.5 * Math.min(...systems.map((s) => medianOf(find(s.name, "list"), "rps")))),
      );
      for (const system of systems) {
        await refreshTokens(ours.base, who);
        measureFixedRate(system, who, fixedRate);
      }
      await refreshTokens(ours.base, who); // for the cold starts below, while ours still runs
      for (const system of systems.splice(0)) await stop(system);
      for (const [name, launch] of Object.entries(launchers)) {
        (stats[name] as SystemStats).coldStartMs = await coldStarts(
          launch,
          who.users[0]?.token ?? "",
        );
      }

      // The database's own limit, on the same data: the same SQL through pgbench (on the
      // server's core, so Postgres keeps its one core to itself).
      const vars = await preparePgbench(db);
      for (const scenario of smoke ? (["mix"] as const) : PGBENCH_SCENARIOS) {
        const runs: Measurement[] = [];
        for (let run = 0; run < RUNS; run++) {
          const r = pgbench(
            url,
            scenario,
            vars,
            SECONDS,
            CONNECTIONS,
            pinned ? SERVER_CORE : undefined,
          );
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
          `${"pgbench".padEnd(13)} ${scenario.padEnd(20)} ${Math.round(median(runs.map((r) => r.rps)))} tps`,
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
      measure(ours, who, { signIn: true });
      await refreshTokens(ours.base, who);
      measureFixedRate(ours, who, fixedRate);
      await refreshTokens(ours.base, who);
      token = who.users[0]?.token ?? "";
    } finally {
      await stop(ours);
    }
    (stats["ours-pglite"] as SystemStats).coldStartMs = await coldStarts(launch, token);
  } finally {
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
} finally {
  unpinPostgres();
}

// ---------------------------------------------------------------------------------------------
// Report.

const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}` : "n/a");
const errors = results.reduce((sum, r) => sum + r.runs.reduce((s, m) => s + m.errors, 0), 0);
// PGlite is reported on its own, not mixed into the comparison on the Postgres server.
const systemNames = [...new Set(results.map((r) => r.system))].filter((s) => s !== "ours-pglite");
const scenarios = [...new Set(results.map((r) => r.scenario))].filter((s) => s !== "sign-in");
const rps = (system: string, scenario: Scenario) => medianOf(find(system, scenario), "rps");
const p50 = (system: string, scenario: Scenario) => medianOf(find(system, scenario), "p50");
const ratioOf = (a: string, b: string, scenario: Scenario) =>
  ratio(rps(a, scenario), rps(b, scenario));
const ratedP99 = (system: string) => medianOf(find(system, "list", true), "p99");
const oursStats = stats.ours;
const perCore = pinned ? "per core" : "not pinned: both cores shared";

const ratios = [
  `- ours / baseline-raw, list: **${ratioOf("ours", "baseline-raw", "list")}**; create: **${ratioOf("ours", "baseline-raw", "create")}** (throughput; target ≥ 0.95)`,
  `- ours / seed stack, list: **${ratioOf("ours", "seed-stack", "list")}x**; create: **${ratioOf("ours", "seed-stack", "create")}x**; toggle: **${ratioOf("ours", "seed-stack", "toggle")}x** (${perCore}; target ≥ 12x on list)`,
  `- ours / pgbench (the same SQL with no HTTP, JSON or auth), list: **${ratioOf("ours", "pgbench", "list")}**; create: **${ratioOf("ours", "pgbench", "create")}**; mix: **${ratioOf("ours", "pgbench", "mix")}**`,
  `- PGlite / Postgres (ours), list: **${ratioOf("ours-pglite", "ours", "list")}**; create: **${ratioOf("ours-pglite", "ours", "create")}**`,
  `- 100,000-task user / 100-task user, p50 (ours): list **${ratio(p50("ours", "list-big"), p50("ours", "list-small"))}**, search **${ratio(p50("ours", "search-big"), p50("ours", "search-small"))}** (target ≤ 1.5); search p50 on the big user: **${p50("ours", "search-big").toFixed(2)} ms** (target ≤ 20 ms)`,
  `- list p99 at a fixed ${fixedRate} req/s (half the slowest system's list throughput), ours: **${ratedP99("ours").toFixed(2)} ms** (target ≤ 10 ms); PGlite: ${ratedP99("ours-pglite").toFixed(2)} ms`,
  `- cold start to the first authenticated 200, ours on an existing PGlite directory: **${Math.round(median(stats["ours-pglite"]?.coldStartMs ?? [Number.NaN]))} ms** (target ≤ 1000), on Postgres ${Math.round(median(oursStats?.coldStartMs ?? [Number.NaN]))} ms; idle RSS on Postgres **${oursStats?.idleRssMB.toFixed(0)} MB**, on PGlite ${stats["ours-pglite"]?.idleRssMB.toFixed(0)} MB (target ≤ 120 MB)`,
];
const cell = (r: Result | undefined) => {
  if (!r) return "–";
  const all = r.runs.map((m) => m.rps);
  const range =
    RUNS > 1 ? ` (${Math.round(Math.min(...all))}–${Math.round(Math.max(...all))})` : "";
  const latency = Number.isNaN(medianOf(r, "p99"))
    ? `mean ${medianOf(r, "p50").toFixed(2)} ms` // pgbench reports the mean only
    : `p50 ${medianOf(r, "p50").toFixed(2)} ms, p99 ${medianOf(r, "p99").toFixed(2)} ms`;
  return `${Math.round(median(all))}${range} req/s, ${latency}`;
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
const ratedRows = [...systemNames, "ours-pglite"]
  .map((name) => [name, find(name, "list", true)] as const)
  .filter(([, r]) => r)
  .map(([name, r]) => `| ${name} | ${cell(r)} |`)
  .join("\n");
const signInRows = ["ours", "ours-pglite"]
  .map((name) => [name, find(name, "sign-in")] as const)
  .filter(([, r]) => r)
  .map(([name, r]) => `| ${name} | ${cell(r)} |`)
  .join("\n");
const date = new Date().toISOString().slice(0, 10);
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const report = `# Benchmark${smoke ? " (smoke)" : ""}: ${date}

${machine}; Postgres at ${new URL(serverUrl).host}; data: ${shape.users.toLocaleString("en")} users × ${shape.tasksPerUser.toLocaleString("en")} tasks, plus one user with ${shape.bigUserTasks.toLocaleString("en")} and one with 100. ${pinned ? `Each server pinned to core ${SERVER_CORE}; wrk and Postgres on core ${LOAD_CORE} (pgbench on core ${SERVER_CORE}).` : "Not pinned to cores."} wrk, 1 thread; ${RUNS} run(s) of ${SECONDS} s per cell after a ${WARMUP_SECONDS} s warm-up; the median, with min–max. Bearer JWTs of ${TOKEN_USERS} users, a random one per request. Errors (non-2xx and socket errors): **${errors}**${errors ? " — this run is void" : ""}.

${ratios.join("\n")}

## On the Postgres server, at saturation

${tableOf(systemNames)}

## List latency at a fixed rate: ${fixedRate} req/s, Poisson arrivals over ${RATE_CONNECTIONS} connections

| system | achieved rate and latency |
| --- | --- |
${ratedRows}

## Sign-in (email and password: mostly the scrypt hash), ${SIGN_IN_CONNECTIONS} connections

| system | throughput and latency |
| --- | --- |
${signInRows}

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
    `${JSON.stringify({ date, machine, shape, pinned, fixedRate, runs: RUNS, seconds: SECONDS, stats, results }, null, 2)}\n`,
  );
}
if (errors > 0) process.exit(1);
