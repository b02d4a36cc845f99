import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  killServers,
  type SpawnedServer,
  spawnServer,
  startServer,
  stopServer,
} from "../../test/server-process.ts";
import { BACKEND_DIR } from "../env.ts";
import { acquireDirectoryLock, HEARTBEAT_MS, STALE_MS, thisProcess } from "./lock.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "todo-lock-"));
});
afterEach(killServers);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the lock's heartbeat", () => {
  it("moves the lock file's mtime while held, and stops when released", async () => {
    const target = join(dir, "heartbeat");
    const lock = await acquireDirectoryLock(target);
    const first = statSync(`${target}.lock`).mtimeMs;
    await sleep(HEARTBEAT_MS * 2.5);
    expect(statSync(`${target}.lock`).mtimeMs).toBeGreaterThan(first);
    lock.release();
    expect(() => statSync(`${target}.lock`)).toThrow(/ENOENT/);
    // A beat after release would find the file gone and report the lock lost (an uncaught error).
    await sleep(HEARTBEAT_MS * 1.5);
  });

  it("does not keep a process alive that has nothing else to do", () => {
    const script = `import { acquireDirectoryLock } from "./src/db/lock.ts";
      await acquireDirectoryLock(${JSON.stringify(join(dir, "idle"))});
      console.log("locked");`;
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "--eval", script],
      { cwd: BACKEND_DIR, encoding: "utf8", timeout: 10_000 },
    );
    expect(result.stdout).toContain("locked");
    expect(result.signal).toBeNull(); // not killed by the timeout: it ended by itself
    expect(result.status).toBe(0);
  });

  it("reports the lock lost when another process replaces the file", async () => {
    const target = join(dir, "lost");
    const onLost = vi.fn();
    const lock = await acquireDirectoryLock(target, { onLost });
    writeFileSync(`${target}.lock`, JSON.stringify({ ...thisProcess(), hostname: "elsewhere" }));
    await vi.waitFor(() => expect(onLost).toHaveBeenCalledOnce(), { timeout: HEARTBEAT_MS * 3 });
    lock.release(); // not ours any more: left alone
    expect(JSON.parse(readFileSync(`${target}.lock`, "utf8"))).toMatchObject({
      hostname: "elsewhere",
    });
  });
});

// Two containers on one volume: each server is PID 1 in a PID namespace of its own.
// (--kill-child: SIGKILL to unshare reaches the server too.)
const OWN_PID_NAMESPACE = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"];
const canUnshare = spawnSync("unshare", ["--pid", "--fork", "--mount-proc", "true"]).status === 0;

/** SIGTERM to the server itself: unshare ignores it rather than passing it on. */
async function stopInNamespace(server: SpawnedServer): Promise<number | null> {
  const pid = spawnSync("pgrep", ["-P", String(server.child.pid)], { encoding: "utf8" }).stdout;
  process.kill(Number.parseInt(pid, 10), "SIGTERM");
  return server.exited;
}

describe.skipIf(!canUnshare)("servers in different PID namespaces on one data directory", () => {
  it("refuses the second server while the first runs, though both are PID 1", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "todo-lock-ns-"));
    try {
      const first = await startServer({ DATA_DIR: dataDir }, OWN_PID_NAMESPACE);
      expect(first.line).toContain('"pid":1,');

      const second = spawnServer({ DATA_DIR: dataDir }, OWN_PID_NAMESPACE);
      // Before the fix it started and served (both PID 1: "our own pid, so stale").
      await vi.waitFor(
        () =>
          expect(second.child.exitCode ?? second.output().includes("Todo API on")).not.toBe(false),
        { timeout: 90_000, interval: 100 },
      );
      expect(second.output()).not.toContain("Todo API on http://");
      expect(await second.exited).toBe(1);
      expect(second.output()).toMatch(/in use by process 1 in another PID namespace/);

      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
      expect(await stopInNamespace(first)).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it("takes over the lock of a killed server from another PID namespace once its heartbeat stops", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "todo-lock-ns-"));
    try {
      const first = await startServer({ DATA_DIR: dataDir }, OWN_PID_NAMESPACE);
      await stopServer(first, "SIGKILL");

      const started = performance.now();
      const second = await startServer({ DATA_DIR: dataDir }, OWN_PID_NAMESPACE);
      // Its pid means nothing here: only a heartbeat that stopped for STALE_MS proves it dead.
      expect(performance.now() - started).toBeGreaterThanOrEqual(STALE_MS);
      expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
      expect(await stopInNamespace(second)).toBe(0);
      expect(() => statSync(join(dataDir, "pglite.lock"))).toThrow(/ENOENT/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 150_000);
});
