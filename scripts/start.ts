// `npm start` and `npm run dev`: the API (backend, port 8000) and the web app (frontend, port
// 3000) as one program. `npm start` builds the web app and the API's bundle (backend/dist, see
// backend/scripts/build.ts) first when their sources are newer than the last build,
// prints where to open it once both answer, and stops both on Ctrl-C. If either dies, so does the
// other, and the exit code says it failed.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_API_PORT, DEFAULT_WEB_PORT } from "@todo/contract/settings";
import { BUNDLE, buildBundle, isBundleFresh } from "../backend/scripts/build.ts";
import { localWebOrigins, readSettings } from "../backend/src/env.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BACKEND = join(ROOT, "backend");
const FRONTEND = join(ROOT, "frontend");
const NEXT_BIN = join(ROOT, "node_modules", "next", "dist", "bin", "next");
const dev = process.argv.includes("--dev");

// backend/.env and frontend/.env hold each side's settings, read as the API reads its own: the
// environment wins, and an empty value is not set.
const configured = readSettings(BACKEND);
const web = readSettings(FRONTEND);
const apiPort = Number(configured.PORT ?? DEFAULT_API_PORT);
const webPort = Number(web.WEB_PORT ?? DEFAULT_WEB_PORT);
const webHost = web.WEB_HOST ?? "127.0.0.1";
// PUBLIC_URL set: a deployment with one public address, and the API accepts pages from it alone.
// Unset: every address of this machine that reaches the web app works (localhost, 127.0.0.1,
// [::1]), whatever the user opens.
const publicUrl = web.PUBLIC_URL;
const openUrl = publicUrl ?? `http://localhost:${webPort}`;
const apiUrl = `http://127.0.0.1:${apiPort}`;

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(
    stat.mtimeMs,
    ...readdirSync(path).map((entry) => newestChange(join(path, entry))),
  );
}

function buildIfStale() {
  const buildId = join(FRONTEND, web.NEXT_DIST_DIR ?? ".next", "BUILD_ID");
  const sources = ["src", "next.config.ts", "package.json", "tsconfig.json"]
    .map((entry) => join(FRONTEND, entry))
    // The API's contract is compiled into the web app too.
    .concat(join(ROOT, "contract", "src"))
    .filter(existsSync);
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  if (built > Math.max(...sources.map(newestChange))) return;
  console.log(built ? "Web app changed: rebuilding…" : "Building the web app (first start only)…");
  const result = spawnSync(process.execPath, [NEXT_BIN, "build"], {
    cwd: FRONTEND,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) {
    console.error("The web app did not build; see above.");
    process.exit(1);
  }
}

const children = new Map<string, ChildProcess>();
let stopping = false;

function run(name: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: "inherit" });
  children.set(name, child);
  child.on("exit", (code, signal) => {
    children.delete(name);
    if (stopping) {
      if (children.size === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    console.error(`The ${name} stopped (${signal ?? `exit code ${code}`}); stopping the rest.`);
    process.exitCode = 1;
    stop();
  });
}

function stop() {
  if (stopping) return;
  stopping = true;
  if (children.size === 0) process.exit(process.exitCode ?? 0);
  for (const child of children.values()) child.kill("SIGTERM");
  // Anything still running after 10 s is stuck: don't leave it behind.
  setTimeout(() => {
    for (const child of children.values()) child.kill("SIGKILL");
    process.exit(1);
  }, 10_000).unref();
}

async function waitFor(url: string): Promise<boolean> {
  for (let i = 0; i < 600 && !stopping; i++) {
    try {
      const response = await fetch(url, { redirect: "manual" });
      if (response.status < 500) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

process.on("SIGINT", stop);
process.on("SIGTERM", stop);

if (!dev) {
  buildIfStale();
  if (!isBundleFresh()) {
    console.log("Building the API…");
    await buildBundle();
  }
}

run(
  "API",
  process.execPath,
  dev
    ? [
        join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"),
        "watch",
        "--clear-screen=false",
        "src/server.ts",
      ]
    : [BUNDLE],
  BACKEND,
  {
    PORT: String(apiPort),
    // The browser sees the web app's address, so that is where sessions and tokens come from.
    BETTER_AUTH_URL: configured.BETTER_AUTH_URL ?? openUrl,
    TRUSTED_ORIGINS:
      configured.TRUSTED_ORIGINS ?? publicUrl ?? localWebOrigins(webPort, webHost).join(","),
    // Requests reach the API through the web app on this machine, which sets X-Forwarded-For to
    // the client it saw (frontend/server.ts): believe it from loopback only.
    TRUSTED_PROXY: configured.TRUSTED_PROXY ?? "loopback",
  },
);
run(
  "web app",
  process.execPath,
  [
    // Next.js behind our own server (frontend/server.ts): it sets X-Forwarded-For from the socket.
    "--import",
    "tsx",
    join(FRONTEND, "server.ts"),
    ...(dev ? ["--dev"] : []),
    "--port",
    String(webPort),
    "--hostname",
    webHost,
  ],
  FRONTEND,
  {
    BACKEND_URL: apiUrl,
    WEB_TRUSTED_PROXY: web.WEB_TRUSTED_PROXY ?? "",
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: dev ? "development" : "production",
  },
);

if ((await waitFor(`${apiUrl}/readyz`)) && (await waitFor(`http://${webHost}:${webPort}/`))) {
  console.log(`\n  Open ${openUrl}\n`);
}
