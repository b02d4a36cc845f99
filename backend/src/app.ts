import { OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { JSONWebKeySet } from "jose";
import { authRoutes } from "./auth/auth.routes.ts";
import { type AuthConfig, createAuth, JWT_LIFETIME_SECONDS } from "./auth/auth.ts";
import { createJwtVerifier } from "./auth/jwt.ts";
import { requireUser } from "./auth/require-user.ts";
import { createSignInFailures } from "./auth/sign-in-failures.ts";
import type { Revocations } from "./auth/token-revocations.ts";
import type { Database } from "./db/client.ts";
import { docsRoutes } from "./docs/docs.routes.ts";
import type { Env } from "./env.ts";
import { corsForOrigins } from "./lib/cors.ts";
import { createCursorCodec } from "./lib/cursor.ts";
import { FOREIGN_KEY_VIOLATION, isDatabaseUnavailable, sqlState } from "./lib/db-errors.ts";
import type { AppEnv } from "./lib/hono-env.ts";
import {
  BODY_LIMIT,
  limitBody,
  perUserRateLimit,
  requestDeadline,
  requestLog,
  requireJsonBody,
} from "./lib/http-guards.ts";
import type { Logger } from "./lib/logger.ts";
import { problem } from "./lib/problem.ts";
import { validationHook } from "./lib/validation.ts";
import * as systemRoutes from "./system.routes.ts";
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
}

// A readiness probe must answer quickly even when the database hangs rather than refuses.
const READY_TIMEOUT_MS = 3000;
/** Seconds a client should wait before retrying while the database is unreachable. */
const UNAVAILABLE_RETRY_AFTER = "5";
/**
 * The longest a request may take before it is answered 503. Past the pool's 5 s connect timeout:
 * only a request stuck on a connection that stopped answering gets this far.
 */
const REQUEST_DEADLINE_MS = 8_000;

/** Builds the HTTP app. The server and the tests both call it, with their own database. */
export function createApp({ database, logger, config, revocations }: AppDeps) {
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
  const signedIn = requireUser({
    auth,
    verifyToken,
    trustedOrigins: config.TRUSTED_ORIGINS,
    logger,
  });

  // Routes for signed-in users only: requireUser guards the whole router. Middleware is added
  // first, in its own statements (Hono runs handlers in the order they were added); routes are
  // chained so the app's type knows them.
  const apiBase = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  apiBase.use(signedIn);
  apiBase.use(
    perUserRateLimit({
      max: config.API_RATE_LIMIT_MAX,
      windowSeconds: config.API_RATE_LIMIT_WINDOW,
    }),
  );
  apiBase.use(requireJsonBody);
  const api = apiBase
    .openapi(systemRoutes.me, (c) => c.json(c.get("user"), 200))
    .route("/", tasksRouter({ db: database.db, cursors: createCursorCodec(config.secret) }));

  const pingDatabase = () => withTimeout(database.db.execute(sql`select 1`), READY_TIMEOUT_MS);

  const openapi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  openapi.use(requestId());
  openapi.use(requestLog(logger));
  openapi.use(
    requestDeadline(REQUEST_DEADLINE_MS, (c) =>
      unavailable(c, "No answer from the database in time; try again in a few seconds."),
    ),
  );
  openapi.use(
    secureHeaders({
      xFrameOptions: "DENY",
      referrerPolicy: "no-referrer",
      // HSTS only where the site is served over https for real.
      strictTransportSecurity:
        config.NODE_ENV === "production" ? "max-age=31536000; includeSubDomains" : false,
    }),
  );
  openapi.use(
    "/api/*",
    corsForOrigins({
      origins: config.TRUSTED_ORIGINS,
      allowHeaders: [
        "Content-Type",
        "Authorization",
        "If-Match",
        "If-None-Match",
        "Idempotency-Key",
      ],
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
      exposeHeaders: ["ETag", "Location", "Retry-After", "X-Request-Id"],
      maxAgeSeconds: 600,
    }),
  );
  // Every route, Better Auth's and the docs' included; after CORS, so a browser can read the 413.
  openapi.use(limitBody(BODY_LIMIT));
  const app = openapi
    .openapi(systemRoutes.healthz, (c) => c.json({ status: "ok" as const }, 200))
    .openapi(systemRoutes.readyz, async (c) => {
      try {
        await pingDatabase();
        return c.json({ status: "ok" as const, database: database.driver }, 200);
      } catch (error) {
        logger.warn({ err: error, requestId: c.get("requestId") }, "readiness check failed");
        return databaseUnavailable(c);
      }
    })
    .route(
      "/",
      authRoutes({
        auth,
        signInFailures,
        trustedProxies: config.TRUSTED_PROXY,
        trustedOrigins: config.TRUSTED_ORIGINS,
        logger,
        // Better Auth answers a failed query with a bare 500; when the database is down, say so.
        failed: async (c) =>
          (await pingDatabase().then(
            () => true,
            () => false,
          ))
            ? undefined
            : databaseUnavailable(c),
      }),
    )
    .route("/api", api)
    .route("/", docsRoutes({ apiOrigin: new URL(config.BETTER_AUTH_URL).origin }));

  openapi.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A JWT from GET /api/auth/token.",
  });
  openapi.openAPIRegistry.registerComponent("securitySchemes", "cookie", {
    type: "apiKey",
    in: "cookie",
    name: "better-auth.session_token",
  });
  openapi.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Todo API",
      version: "1.0.0",
      description:
        "Your tasks, over REST. Authenticate with a bearer JWT (GET /api/auth/token) or the session cookie.",
    },
    servers: [{ url: config.BETTER_AUTH_URL }],
    security: [{ bearer: [] }, { cookie: [] }],
  });

  const allowedMethods = methodsByPath(app.routes);
  app.notFound((c) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed.length > 0) {
      const response = problem(c, 405, {
        detail: `${c.req.method} is not allowed here; use ${allowed.join(", ")}.`,
      });
      response.headers.set("Allow", allowed.join(", "));
      return response;
    }
    return problem(c, 404, { detail: `No route for ${c.req.method} ${c.req.path}.` });
  });
  app.onError((error, c) => {
    // Hono's own refusals, such as malformed JSON (400).
    if (error instanceof HTTPException && error.status < 500) {
      return problem(c, error.status, { detail: error.message });
    }
    // Every foreign key points at users: a violation means the caller's account was deleted while
    // its JWT was in flight, or in the second before this instance read the revocation.
    if (sqlState(error) === FOREIGN_KEY_VIOLATION) {
      logger.info(
        {
          event: "auth.denied",
          status: 401,
          reason: "account deleted",
          requestId: c.get("requestId"),
        },
        "request denied",
      );
      const response = problem(c, 401, {
        detail: "The account this credential belongs to no longer exists.",
      });
      response.headers.set(
        "WWW-Authenticate",
        'Bearer error="invalid_token", error_description="the account no longer exists"',
      );
      return response;
    }
    // The database is down, restarting or cut off: the request may succeed in a moment. One short
    // line each, without the SQL and its parameters (user data) that Drizzle's wrapper carries.
    if (isDatabaseUnavailable(error)) {
      logger.warn(
        { err: { message: rootCause(error).message }, requestId: c.get("requestId") },
        "database unavailable",
      );
      return databaseUnavailable(c);
    }
    logger.error({ err: error, requestId: c.get("requestId") }, "unhandled error");
    // Never a stack trace, SQL or driver message: the request id leads to them in the log.
    return problem(c, 500, { detail: "Something went wrong on our side." });
  });
  return app;
}

export type AppType = ReturnType<typeof createApp>;

// For server.ts, which loads this module late (start-up time) and must start the poll it needs.
export { JWT_LIFETIME_SECONDS } from "./auth/auth.ts";
export { startTokenRevocations } from "./auth/token-revocations.ts";

/** For 405: the methods that some route answers for a path (middleware excluded). */
function methodsByPath(routes: { method: string; path: string }[]) {
  let compiled: { method: string; pattern: RegExp }[] | undefined;
  return (path: string): string[] => {
    compiled ??= routes
      .filter((route) => route.method !== "ALL" && !route.path.includes("*"))
      .map((route) => ({
        method: route.method,
        pattern: new RegExp(`^${route.path.replace(/:[^/]+/g, "[^/]+")}/?$`),
      }));
    return [
      ...new Set(compiled.filter((route) => route.pattern.test(path)).map((route) => route.method)),
    ];
  };
}

/** 503 with Retry-After: the database cannot be reached just now. */
function databaseUnavailable(c: Context) {
  return unavailable(c, "The database is not reachable just now; try again in a few seconds.");
}

function unavailable(c: Context, detail: string) {
  const response = problem(c, 503, { detail });
  response.headers.set("Retry-After", UNAVAILABLE_RETRY_AFTER);
  return response;
}

function rootCause(error: unknown): Error {
  let current = error as Error & { cause?: unknown };
  while (current.cause instanceof Error) current = current.cause;
  return current;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
