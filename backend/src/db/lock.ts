import { randomUUID } from "node:crypto";
import {
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";

/** Thrown when another process (or this one) already has the embedded database open. */
export class DatabaseLockedError extends Error {
  override name = "DatabaseLockedError";
}

/**
 * Who holds a lock. A pid alone means nothing across PID namespaces (two containers on one volume
 * are both PID 1) or hosts (a network file system), so the holder's namespace, boot and host go
 * with it, and a nonce tells this holder from an earlier one with the same pid.
 */
export interface LockHolder {
  pid: number;
  /** /proc/self/ns/pid, e.g. "pid:[4026531836]"; absent where there is no /proc (macOS). */
  pidNamespace?: string | undefined;
  /** /proc/sys/kernel/random/boot_id: pids and namespace inodes are reused after a reboot. */
  bootId?: string | undefined;
  hostname: string;
  nonce: string;
}

/** The holder refreshes the lock file's mtime this often, so openers elsewhere see it is alive. */
export const HEARTBEAT_MS = 1_000;
/**
 * A lock from another PID namespace or host is stale once its mtime has not moved for this long.
 * Well above the heartbeat: the heartbeat runs on the main thread, which a long PGlite query can
 * hold for a few seconds, and a live holder taken for dead means two writers on one database.
 */
export const STALE_MS = 10_000;
const WATCH_POLL_MS = 200;

// Locks this process holds (the heartbeat cannot tell "us, now" from "us, opened twice").
const heldByThisProcess = new Set<string>();

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

function readLinkOptional(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** This process, as a lock file records it. */
export function thisProcess(): LockHolder {
  return {
    pid: process.pid,
    pidNamespace: readLinkOptional("/proc/self/ns/pid"),
    bootId: readOptional("/proc/sys/kernel/random/boot_id"),
    hostname: hostname(),
    nonce: randomUUID(),
  };
}

/** Same PID namespace on the same running kernel: there, a pid names one live process or none. */
function sameNamespace(a: LockHolder, b: LockHolder): boolean {
  return a.hostname === b.hostname && a.bootId === b.bootId && a.pidNamespace === b.pidNamespace;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, but not ours to signal
  }
}

type Owner = { holder: LockHolder; raw: string } | { holder: undefined; raw: string | undefined };

function readOwner(lockPath: string): Owner {
  const raw = readOptional(lockPath);
  if (raw === undefined) return { holder: undefined, raw };
  try {
    const holder = JSON.parse(raw) as LockHolder;
    if (Number.isInteger(holder.pid) && typeof holder.nonce === "string") return { holder, raw };
  } catch {
    // Not ours: before version 2 the file held only a pid, with nothing to say from where.
  }
  return { holder: undefined, raw };
}

function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether the lock file's current content is held by a live process. In our own PID namespace the
 * pid answers at once (a SIGKILLed server's lock is taken over without waiting). From elsewhere,
 * or in the old pid-only format, only the heartbeat tells: watch the mtime for STALE_MS, and the
 * holder is alive if it moves (or the file changes hands) meanwhile. Watching, instead of
 * comparing the mtime with our clock, keeps hosts with skewed clocks from taking a live lock.
 */
async function isHeld(lockPath: string, owner: Owner, me: LockHolder): Promise<boolean> {
  if (owner.holder && sameNamespace(owner.holder, me)) {
    // Our own pid in our own namespace is this process, which does not hold it: a predecessor's.
    return owner.holder.pid !== me.pid && isRunning(owner.holder.pid);
  }
  const seen = mtimeOf(lockPath);
  for (let waited = 0; waited < STALE_MS; waited += WATCH_POLL_MS) {
    await sleep(WATCH_POLL_MS);
    if (mtimeOf(lockPath) !== seen || readOptional(lockPath) !== owner.raw) return true;
  }
  return false;
}

/**
 * Removes a stale lock, unless it changed hands meanwhile. Two openers finding the same stale
 * lock must not both remove "it": the second would delete the lock the first has just made. So
 * removal happens under `<lock>.takeover` (mkdir is atomic), after checking the content again.
 */
async function removeIfUnchanged(lockPath: string, raw: string | undefined): Promise<void> {
  const guard = `${lockPath}.takeover`;
  try {
    mkdirSync(guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // Another opener is mid-takeover (a few microseconds), or died there: clear it when old.
    const age = Date.now() - (mtimeOf(guard) ?? Date.now());
    if (age > STALE_MS) rmdirSync(guard);
    else await sleep(WATCH_POLL_MS);
    return;
  }
  try {
    if (readOptional(lockPath) === raw) unlinkSync(lockPath);
  } finally {
    rmdirSync(guard);
  }
}

function describe(dir: string, holder: LockHolder | undefined, me: LockHolder): string {
  const where = !holder
    ? "another process"
    : sameNamespace(holder, me)
      ? `process ${holder.pid}`
      : holder.hostname === me.hostname && holder.bootId === me.bootId
        ? `process ${holder.pid} in another PID namespace (another container?)`
        : `process ${holder.pid} on host ${holder.hostname}`;
  return (
    `The embedded database at ${dir} is in use by ${where}. Stop that process first, or set ` +
    "DATABASE_URL to a Postgres server to run several backends."
  );
}

export interface DirectoryLock {
  /** Stops the heartbeat and removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

/**
 * Takes `<dir>.lock` for this process, because PGlite must never be opened by two processes (or
 * twice in one) at once: both would write the same files and corrupt them. The lock holds across
 * PID namespaces and hosts that share the directory (see docs/decisions/015). A lock whose holder
 * has died is taken over: at once in this PID namespace, after STALE_MS without a heartbeat from
 * elsewhere. `onLost` is called if the lock file is removed or replaced while held (someone took
 * it for stale): the caller must stop writing; by default the heartbeat throws, which ends the
 * process.
 */
export async function acquireDirectoryLock(
  dir: string,
  options: { onLost?: (error: DatabaseLockedError) => void } = {},
): Promise<DirectoryLock> {
  const lockPath = `${dir}.lock`;
  if (heldByThisProcess.has(lockPath)) {
    throw new DatabaseLockedError(
      `The embedded database at ${dir} is already open in this process.`,
    );
  }
  const me = thisProcess();
  const content = JSON.stringify(me);
  for (;;) {
    try {
      // "wx" creates the file only if it does not exist: atomic, so two starters cannot both win.
      writeFileSync(lockPath, content, { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = readOwner(lockPath);
    if (owner.raw === undefined) continue; // released between our attempt and the read
    if (await isHeld(lockPath, owner, me)) {
      throw new DatabaseLockedError(describe(dir, owner.holder, me));
    }
    await removeIfUnchanged(lockPath, owner.raw);
  }
  heldByThisProcess.add(lockPath);

  const lost = (reason: string) => {
    clearInterval(heartbeat);
    heldByThisProcess.delete(lockPath);
    const error = new DatabaseLockedError(
      `The lock on the embedded database at ${dir} was ${reason}; stopping before two processes write it.`,
    );
    if (options.onLost) options.onLost(error);
    else throw error;
  };
  const heartbeat = setInterval(() => {
    const now = readOptional(lockPath);
    if (now !== content) return lost(now === undefined ? "removed" : "taken by another process");
    try {
      const time = new Date();
      utimesSync(lockPath, time, time);
    } catch {
      // A missed beat is harmless; a lock file that is gone is caught on the next one.
    }
  }, HEARTBEAT_MS);
  // The heartbeat must not keep a process alive that has nothing else to do.
  heartbeat.unref();

  return {
    release() {
      if (!heldByThisProcess.delete(lockPath)) return;
      clearInterval(heartbeat);
      if (readOptional(lockPath) === content) unlinkSync(lockPath);
    },
  };
}
