import { readFileSync, unlinkSync, writeFileSync } from "node:fs";

/** Thrown when another process (or this one) already has the embedded database open. */
export class DatabaseLockedError extends Error {
  override name = "DatabaseLockedError";
}

// Locks this process holds. A lock file naming our own pid but absent here is stale: a container
// restarted with the same pid (often 1) over a persistent volume.
const heldByThisProcess = new Set<string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, but not ours to signal
  }
}

function readOwner(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes `<dir>.lock` for this process, because PGlite must never be opened by two processes (or
 * twice in one) at once: both would write the same files and corrupt them. A lock left by a
 * process that has died is taken over. Returns the release function.
 */
export function acquireDirectoryLock(dir: string): () => void {
  const lockPath = `${dir}.lock`;
  if (heldByThisProcess.has(lockPath)) {
    throw new DatabaseLockedError(
      `The embedded database at ${dir} is already open in this process.`,
    );
  }
  for (let attempt = 0; ; attempt++) {
    try {
      // "wx" creates the file only if it does not exist: atomic, so two starters cannot both win.
      writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
      const owner = readOwner(lockPath);
      if (owner !== undefined && owner !== process.pid && isRunning(owner)) {
        throw new DatabaseLockedError(
          `The embedded database at ${dir} is in use by process ${owner}. Stop that process ` +
            "first, or set DATABASE_URL to a Postgres server to run several backends.",
        );
      }
      unlinkSync(lockPath); // stale: its owner is gone
    }
  }
  heldByThisProcess.add(lockPath);
  return () => {
    if (!heldByThisProcess.delete(lockPath)) return;
    if (readOwner(lockPath) === process.pid) unlinkSync(lockPath);
  };
}
