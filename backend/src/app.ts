// The HTTP app, assembled: middleware in the order it runs, then the routers, the OpenAPI
// document and the error answers. Each piece lives in its own module; this file only wires them.
import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { timeout } from "hono/timeout";
import type { JSONWebKeySet } from "jose";
import { authRouter } from "./auth/auth.index.ts";
import { type AuthConfig, createAuth, JWT_LIFETIME_SECONDS } from "./auth/auth.ts";
import { createJwtVerifier } from "./auth/jwt.ts";
import { requireUser } from "./auth/require-user.ts";
import { createSignInFailures } from "./auth/sign-in-failures.ts";
import { type Revocations, startTokenRevocations } from "./auth/token-revocations.ts";
import { type ChangeFeed, startChangeFeed } from "./changes/change-feed.ts";
import { announceChanges, changesRouter } from "./changes/changes.index.ts";
import { startCompaction } from "./changes/compaction.ts";
import type { Database } from "./db/client.ts";
import { docsRouter } from "./docs/docs.index.ts";
import { serveOpenApiDocument } from "./docs/openapi.ts";
import type { Env } from "./env.ts";
import { corsForOrigins } from "./lib/cors.ts";
import { createCursorCodec } from "./lib/cursor.ts";
import { deadlinePassed, errorHandler, notFoundHandler } from "./lib/error-handlers.ts";
import type { AppEnv } from "./lib/hono-env.ts";
import {
  BODY_LIMIT,
  limitBody,
  perUserRateLimit,
  requestLog,
  requireJsonBody,
} from "./lib/http-guards.ts";
import type { Logger } from "./lib/logger.ts";
import { validationHook } from "./lib/validation.ts";
import { healthRouter, meRouter, unavailableIfDatabaseDown } from "./system/system.index.ts";
import { tasksRouter } from "./tasks/tasks.index.ts";

export type AppConfig = AuthConfig &
  Pick<
    Env,
    | "NODE_ENV"
    | "TRUSTED_PROXY"
    | "SIGN_IN_FAILURES_MAX"
    | "SIGN_IN_FAILURES_ACCOUNT_MAX"
    | "SIGN_IN_FAILURES_WINDOW"
    | "API_RATE_LIMIT_MAX"
    | "API_RATE_LIMIT_WINDOW"
  >;

export interface AppDeps {
  database: Database;
  logger: Logger;
  config: AppConfig;
  /**
   * Ended sessions and deleted users, kept up to date from the database by whoever owns it
   * (startTokenRevocations), who stops it before closing the database.
   */
  revocations: Revocations;
  /** Wakes the event streams when a user's log grows (startChangeFeed), stopped by its owner too. */
  feed: ChangeFeed;
}

/**
 * The longest a request may take before it is answered 503. Past the pool's 5 s connect timeout:
 * only a request stuck on a connection that stopped answering gets this far.
 */
const REQUEST_DEADLINE_MS = 8_000;

/** Builds the HTTP app. The server and the tests both call it, with their own database. */
export function createApp({ database, logger, config, revocations, feed }: AppDeps) {
  const auth = createAuth({ db: database.db, config, logger });
  const verifyToken = createJwtVerifier({
    loadKeys: () => auth.api.getJwks() as Promise<JSONWebKeySet>,
    issuer: config.BETTER_AUTH_URL,
    audience: config.BETTER_AUTH_URL,
    maxLifetimeSeconds: JWT_LIFETIME_SECONDS,
    revocations,
  });
  const signInFailures = createSignInFailures(database.db, {
    maxPerAddress: config.SIGN_IN_FAILURES_MAX,
    maxPerAccount: config.SIGN_IN_FAILURES_ACCOUNT_MAX,
    windowSeconds: config.SIGN_IN_FAILURES_WINDOW,
  });

  // Routes for signed-in users only: requireUser guards the whole router. Middleware is added
  // first, in its own statements (Hono runs handlers in the order they were added).
  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  api.use(requireUser({ auth, verifyToken, trustedOrigins: config.TRUSTED_ORIGINS, logger }));
  api.use(
    perUserRateLimit({
      max: config.API_RATE_LIMIT_MAX,
      windowSeconds: config.API_RATE_LIMIT_WINDOW,
    }),
  );
  api.use(requireJsonBody);
  api.use(announceChanges(feed));
  const cursors = createCursorCodec(config.secret);
  api
    .route("/", meRouter())
    .route("/", tasksRouter({ db: database.db, cursors }))
    .route("/", changesRouter({ db: database.db, cursors, feed, revocations, logger }));

  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use(requestId());
  app.use(requestLog(logger));
  app.use(timeout(REQUEST_DEADLINE_MS, deadlinePassed));
  app.use(
    secureHeaders({
      xFrameOptions: "DENY",
      referrerPolicy: "no-referrer",
      // HSTS only where the site is served over https for real.
      strictTransportSecurity:
        config.NODE_ENV === "production" ? "max-age=31536000; includeSubDomains" : false,
    }),
  );
  app.use("/api/*", corsForOrigins(config.TRUSTED_ORIGINS));
  // Every route, Better Auth's and the docs' included; after CORS, so a browser can read the 413.
  app.use(limitBody(BODY_LIMIT));
  app
    .route("/", healthRouter({ database, logger }))
    .route(
      "/",
      authRouter({
        auth,
        signInFailures,
        trustedProxies: config.TRUSTED_PROXY,
        trustedOrigins: config.TRUSTED_ORIGINS,
        logger,
        // Better Auth answers a failed query with a bare 500; when the database is down, say so.
        failed: (c) => unavailableIfDatabaseDown(c, database.db),
      }),
    )
    .route("/api", api)
    .route("/", docsRouter({ apiOrigin: new URL(config.BETTER_AUTH_URL).origin }));

  serveOpenApiDocument(app, config.BETTER_AUTH_URL);
  app.notFound(notFoundHandler(app.routes));
  app.onError(errorHandler(logger));
  return app;
}

/**
 * What runs beside the requests of one API instance, for `createApp`: the revocation poll, the
 * change feed and the change log's clean-up. `stop()` ends them (and every event stream) before
 * the database closes.
 */
export function startAppServices(
  database: Database,
  options: { logger: Logger; retentionDays: number },
) {
  const { logger } = options;
  const revocations = startTokenRevocations(database.db, {
    tokenLifetimeSeconds: JWT_LIFETIME_SECONDS,
    logger,
  });
  const feed = startChangeFeed(database, { logger });
  const compaction = startCompaction(database.db, { days: options.retentionDays, logger });
  return {
    revocations,
    feed,
    async stop() {
      await feed.stop();
      await Promise.all([compaction.stop(), revocations.stop()]);
    },
  };
}
