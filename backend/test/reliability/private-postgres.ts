// A Postgres server of the test's own (initdb in a temporary directory, its own port), for tests
// that stop and start the database under load: the run's shared server must stay up for the rest
// of the suite. Needs the Postgres server binaries (Debian's postgresql package; CI has them).
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust auth). */
  url: string;
  /** Starts the server again (after stop) and waits until it accepts connections. */
  start: () => Promise<void>;
  /** Stops the server: "fast" ends sessions and shuts down cleanly, "immediate" is a crash. */
  stop: (mode?: "fast" | "immediate") => Promise<void>;
  /** Stops it and deletes its directory. */
  destroy: () => Promise<void>;
}

/** The newest installed server's bin directory, or null when no Postgres server is installed. */
export function postgresBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : null;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("no Postgres server binaries under /usr/lib/postgresql");
  const dir = mkdtempSync(join(tmpdir(), "todo-pg-"));
  const dataDir = join(dir, "data");
  const port = await freePort();
  // initdb and postgres refuse to run as root: run them as the postgres user when we are root.
  const asRoot = process.getuid?.() === 0;
  // Asynchronous: the clients and the server under test share this event loop and must keep
  // running while Postgres stops and starts.
  const run = async (tool: string, args: string[]) => {
    const command = asRoot ? "runuser" : join(bin, tool);
    const argv = asRoot ? ["-u", "postgres", "--", join(bin, tool), ...args] : args;
    await promisify(execFile)(command, argv, { cwd: dir });
  };
  if (asRoot) execFileSync("chown", ["postgres", dir]);
  await run("initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`;
  const start = () =>
    run("pg_ctl", ["-D", dataDir, "-o", options, "-l", join(dir, "log"), "-w", "start"]);
  const stop = (mode: "fast" | "immediate" = "fast") =>
    run("pg_ctl", ["-D", dataDir, "-m", mode, "-w", "stop"]);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy: async () => {
      await stop("immediate").catch(() => {}); // already stopped
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
