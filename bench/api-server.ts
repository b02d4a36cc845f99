// The API as `npm start` runs it (its production bundle, in a process of its own), on a database
// given, for benchmarks that drive it over real HTTP; and a user signed up on it.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BUNDLE, buildBundle, isBundleFresh } from "../backend/scripts/build.ts";

const backendDir = fileURLToPath(new URL("../backend", import.meta.url));
export const ORIGIN = "http://localhost:3000";

export interface BenchServer {
  base: string;
  process: ChildProcess;
  /** The server's resident memory now, in bytes. */
  rss(): number;
  stop(): Promise<void>;
}

/** Starts the API bundle on `databaseUrl` (limits off, the request log quiet); `env` adds to it. */
export async function startBenchServer(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<BenchServer> {
  if (!isBundleFresh()) await buildBundle();
  const server = spawn(process.execPath, [BUNDLE], {
    cwd: backendDir,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
      DATABASE_URL: databaseUrl,
      PORT: "0",
      // The request log is on in production; here it would only measure the pipe to this process.
      LOG_LEVEL: "warn",
      // Limits are for abuse, not for a benchmark.
      API_RATE_LIMIT_MAX: "1000000",
      RATE_LIMIT_ENABLED: "false",
      ...env,
    },
  });
  let output = "";
  server.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  server.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  // The start-up line is at info level; with LOG_LEVEL=warn, find the port from the process instead.
  const base = await new Promise<string>((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (server.exitCode !== null) return reject(new Error(`server exited:\n${output}`));
      const ports = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" })
        .split("\n")
        .filter((line) => line.includes(`pid=${server.pid},`))
        .map((line) => /127\.0\.0\.1:(\d+)/.exec(line)?.[1])
        .filter(Boolean);
      if (ports[0]) return resolve(`http://127.0.0.1:${ports[0]}`);
      if (Date.now() - started > 30_000) return reject(new Error("server did not start"));
      setTimeout(poll, 100);
    };
    poll();
  });
  return {
    base,
    process: server,
    rss: () => {
      const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    async stop() {
      server.kill("SIGTERM");
      if (server.exitCode === null) await new Promise((resolve) => server.once("exit", resolve));
    },
  };
}

/** Signs a user up on the server and trades the session for a JWT. */
export async function benchUser(
  base: string,
  email: string,
): Promise<{ id: string; token: string; cookie: string }> {
  const signUp = await fetch(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { Origin: ORIGIN, "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: "bench passphrase 12345" }),
  });
  if (!signUp.ok) throw new Error(`sign-up: ${signUp.status} ${await signUp.text()}`);
  const { user } = (await signUp.json()) as { user: { id: string } };
  const cookie = signUp.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const { token } = (await (
    await fetch(`${base}/api/auth/token`, { headers: { Cookie: cookie } })
  ).json()) as { token: string };
  return { id: user.id, token, cookie };
}
