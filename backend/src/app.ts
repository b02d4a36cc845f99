import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { JSONWebKeySet } from "jose";
import { authRoutes } from "./auth/auth.routes.ts";
import { type AuthConfig, createAuth } from "./auth/auth.ts";
import { createJwtVerifier } from "./auth/jwt.ts";
import { requireUser } from "./auth/require-user.ts";
import { createSignInFailures } from "./auth/sign-in-failures.ts";
import type { Database } from "./db/client.ts";
import type { Env } from "./env.ts";
import type { AppEnv } from "./lib/hono-env.ts";
import type { Logger } from "./lib/logger.ts";
import { problem } from "./lib/problem.ts";

export type AppConfig = AuthConfig &
  Pick<Env, "TRUSTED_PROXY" | "SIGN_IN_FAILURES_MAX" | "SIGN_IN_FAILURES_WINDOW">;

export interface AppDeps {
  database: Database;
  logger: Logger;
  config: AppConfig;
}

// A readiness probe must answer quickly even when the database hangs rather than refuses.
const READY_TIMEOUT_MS = 3000;

/** Builds the HTTP app. The server and the tests both call it, with their own database. */
export function createApp({ database, logger, config }: AppDeps) {
  const auth = createAuth({ db: database.db, config, logger });
  const verifyToken = createJwtVerifier({
    loadKeys: () => auth.api.getJwks() as Promise<JSONWebKeySet>,
    issuer: config.BETTER_AUTH_URL,
    audience: config.BETTER_AUTH_URL,
  });
  const signInFailures = createSignInFailures(database.db, {
    max: config.SIGN_IN_FAILURES_MAX,
    windowSeconds: config.SIGN_IN_FAILURES_WINDOW,
  });
  const signedIn = requireUser({
    auth,
    verifyToken,
    trustedOrigins: config.TRUSTED_ORIGINS,
    logger,
  });

  // Routes for signed-in users only: requireUser guards the whole router.
  const api = new Hono<AppEnv>()
    .use(signedIn)
    // Who am I: the user the credential belongs to.
    .get("/me", (c) => c.json(c.get("user")));

  const app = new Hono<AppEnv>()
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
    })
    .route("/", authRoutes({ auth, signInFailures, trustedProxies: config.TRUSTED_PROXY, logger }))
    .route("/api", api);

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
