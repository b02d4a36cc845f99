// The handlers of the routes outside the tasks API (contracts in system.routes.ts).
import { OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { Database, Db } from "../db/client.ts";
import { databaseUnavailable } from "../lib/error-handlers.ts";
import type { AppEnv } from "../lib/hono-env.ts";
import type { Logger } from "../lib/logger.ts";
import { validationHook } from "../lib/validation.ts";
import * as routes from "./system.routes.ts";

// A readiness probe must answer quickly even when the database hangs rather than refuses.
const READY_TIMEOUT_MS = 3000;

/** Resolves once the database answers `select 1`; rejects when it fails or takes over 3 s. */
function pingDatabase(db: Db): Promise<unknown> {
  return withTimeout(db.execute(sql`select 1`), READY_TIMEOUT_MS);
}

/**
 * For a request that failed: 503 with Retry-After when the database does not answer (the client
 * should retry), or undefined when it does (the failure is ours).
 */
export async function unavailableIfDatabaseDown(c: Context, db: Db) {
  const answers = await pingDatabase(db).then(
    () => true,
    () => false,
  );
  return answers ? undefined : databaseUnavailable(c);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** /healthz (the process is up) and /readyz (the database answers), open to anyone. */
export function healthRouter({ database, logger }: { database: Database; logger: Logger }) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(routes.healthz, (c) => c.json({ status: "ok" as const }, 200))
    .openapi(routes.readyz, async (c) => {
      try {
        await pingDatabase(database.db);
        return c.json({ status: "ok" as const, database: database.driver }, 200);
      } catch (error) {
        logger.warn({ err: error, requestId: c.get("requestId") }, "readiness check failed");
        return databaseUnavailable(c);
      }
    });
}

/** /me: who the credential belongs to. Mounted where requireUser has set the user. */
export function meRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(routes.me, (c) =>
    c.json(c.get("user"), 200),
  );
}
