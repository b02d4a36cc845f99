import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { Database } from "./db/client.ts";
import type { Logger } from "./lib/logger.ts";
import { problem } from "./lib/problem.ts";

export interface AppDeps {
  database: Database;
  logger: Logger;
}

// A readiness probe must answer quickly even when the database hangs rather than refuses.
const READY_TIMEOUT_MS = 3000;

/** Builds the HTTP app. The server and the tests both call it, with their own database. */
export function createApp({ database, logger }: AppDeps) {
  const app = new Hono()
    .use(requestId())
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", async (c) => {
      try {
        await withTimeout(database.db.execute(sql`select 1`), READY_TIMEOUT_MS);
        return c.json({ status: "ok", database: database.driver });
      } catch (error) {
        logger.warn({ err: error, requestId: c.get("requestId") }, "readiness check failed");
        return problem(c, 503, { detail: "The database is not reachable." });
      }
    });

  app.notFound((c) => problem(c, 404, { detail: `No route for ${c.req.method} ${c.req.path}.` }));
  app.onError((error, c) => {
    logger.error({ err: error, requestId: c.get("requestId") }, "unhandled error");
    // Never a stack trace, SQL or driver message: the request id leads to them in the log.
    return problem(c, 500, { detail: "Something went wrong on our side." });
  });
  return app;
}

export type AppType = ReturnType<typeof createApp>;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
