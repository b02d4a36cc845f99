import type { Db } from "../db/client.ts";
import type { Logger } from "../lib/logger.ts";
import { compactChanges } from "./changes.service.ts";

const EVERY_MS = 60 * 60 * 1000;
/** The first clean-up waits a little, out of the way of start-up. */
const FIRST_AFTER_MS = 60 * 1000;

/**
 * Deletes changes past the retention (CHANGES_RETENTION_DAYS) once an hour. Every instance does;
 * deleting what another already deleted costs one indexed query.
 */
export function startCompaction(db: Db, options: { days: number; logger: Logger }) {
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= compactChanges(db, options.days)
      .then((deleted) => {
        if (deleted > 0) options.logger.info({ deleted }, "old changes deleted from the log");
      })
      .catch((error: Error) =>
        options.logger.warn({ err: { message: error.message } }, "change log clean-up failed"),
      )
      .finally(() => {
        running = undefined;
      });
  };
  let timer = setTimeout(function next() {
    run();
    timer = setTimeout(next, EVERY_MS).unref();
  }, FIRST_AFTER_MS).unref();
  return {
    async stop() {
      clearTimeout(timer);
      await running;
    },
  };
}
