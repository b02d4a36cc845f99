// The real entry point as a child process (`node --import tsx src/server.ts`), as `npm start` runs
// it: real HTTP, real signals, real crashes. Tests that need a server to die use this.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BACKEND_DIR } from "../src/env.ts";
import { createEmptyDatabase, postgres } from "./helpers.ts";

export interface SpawnedServer {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
  /** Its exit code (null when a signal killed it). */
  exited: Promise<number | null>;
}

export interface RunningServer extends SpawnedServer {
  url: string;
  /** The start-up line it printed. */
  line: string;
}

const children = new Set<ChildProcess>();
const MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * Spawns the server with exactly these variables (a developer's backend/.env cannot leak in).
 * `wrapper` runs it through another command, e.g. `unshare -p -f` for a PID namespace of its own.
 */
export function spawnServer(vars: Record<string, string>, wrapper: string[] = []): SpawnedServer {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "development",
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "info",
    DATABASE_URL: "",
    DATABASE_DRIVER: "",
    BETTER_AUTH_SECRET: "",
    ...vars,
  };
  const command = [...wrapper, process.execPath, "--import", "tsx", "src/server.ts"];
  const child = spawn(command[0] as string, command.slice(1), { cwd: BACKEND_DIR, env });
  children.add(child);
  // The start of the output is kept (start-up line, first errors); a long run's request log is not.
  let output = "";
  const keep = (chunk: Buffer) => {
    if (output.length < MAX_OUTPUT) output += chunk;
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}

/** Spawns the server and waits for its start-up line; fails if it exits first. */
export async function startServer(
  vars: Record<string, string>,
  wrapper: string[] = [],
): Promise<RunningServer> {
  const spawned = spawnServer(vars, wrapper);
  const started = new Promise<RunningServer>((resolve) => {
    const check = () => {
      if (spawned.child.exitCode !== null || spawned.child.signalCode !== null) return;
      const line = spawned
        .output()
        .split("\n")
        .find((l) => l.includes("Todo API on http://"));
      const url = line?.match(/http:\/\/[\d.]+:\d+/)?.[0];
      if (line && url) resolve({ ...spawned, url, line });
      else setTimeout(check, 25);
    };
    check();
  });
  const failed = spawned.exited.then((code) => {
    throw new Error(`server exited with ${code} before it was ready:\n${spawned.output()}`);
  });
  return Promise.race([started, failed]);
}

/** Sends `signal` and answers the exit code (null when the signal killed it). */
export async function stopServer(
  server: SpawnedServer,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<number | null> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
  return server.exited;
}

/** Kills every server this module spawned that is still running (for afterEach/afterAll). */
export function killServers(): void {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
}

/**
 * A database of its own for a spawned server, as the run goes: a new PGlite data directory, or a
 * new database on this run's Postgres server. Answers the server's variables and how to drop it.
 */
export async function serverDatabase(
  label: string,
): Promise<{ vars: Record<string, string>; drop: () => Promise<void> }> {
  if (postgres) {
    const database = await createEmptyDatabase();
    return { vars: { DATABASE_URL: database.url }, drop: database.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), `todo-${label}-`));
  return {
    vars: { DATA_DIR: dir },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
