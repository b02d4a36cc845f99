// What the app answers when no route matches or something throws: always problem+json, never a
// stack trace, SQL or driver message (the request id leads to those in the log).
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { FOREIGN_KEY_VIOLATION, isDatabaseUnavailable, sqlState } from "./db-errors.ts";
import type { AppEnv } from "./hono-env.ts";
import type { Logger } from "./logger.ts";
import { problem } from "./problem.ts";

/** Seconds a client should wait before retrying while the database is unreachable. */
const UNAVAILABLE_RETRY_AFTER = "5";

function unavailable(c: Context, detail: string) {
  const response = problem(c, 503, { detail });
  response.headers.set("Retry-After", UNAVAILABLE_RETRY_AFTER);
  return response;
}

/** 503 with Retry-After: the database cannot be reached just now. */
export function databaseUnavailable(c: Context) {
  return unavailable(c, "The database is not reachable just now; try again in a few seconds.");
}

/**
 * For `hono/timeout`: the answer a request gets when it outlives the deadline, while its handler
 * finishes or fails unseen. Only a request stuck on a database that stopped answering without
 * closing its connections (a network cut) gets this far.
 */
export function deadlinePassed(c: Context) {
  return new HTTPException(503, {
    res: unavailable(c, "No answer from the database in time; try again in a few seconds."),
  });
}

/** 404 for a path no route serves; 405 with Allow for a path that other methods serve. */
export function notFoundHandler(routes: { method: string; path: string }[]): NotFoundHandler {
  const allowedMethods = methodsByPath(routes);
  return (c) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed.length > 0) {
      const response = problem(c, 405, {
        detail: `${c.req.method} is not allowed here; use ${allowed.join(", ")}.`,
      });
      response.headers.set("Allow", allowed.join(", "));
      return response;
    }
    return problem(c, 404, { detail: `No route for ${c.req.method} ${c.req.path}.` });
  };
}

/** The methods that some route answers for a path (middleware excluded), compiled on first use. */
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

/** Every error a handler throws, as problem+json; the unexpected ones logged with their cause. */
export function errorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (error, c) => {
    if (error instanceof HTTPException) {
      // An answer made in advance (the request deadline's 503).
      if (error.res) return error.getResponse();
      // Hono's own refusals, such as malformed JSON (400).
      if (error.status < 500) return problem(c, error.status, { detail: error.message });
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
    return problem(c, 500, { detail: "Something went wrong on our side." });
  };
}

function rootCause(error: Error): Error {
  let current: Error & { cause?: unknown } = error;
  while (current.cause instanceof Error) current = current.cause;
  return current;
}
