import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { rateLimiter } from "hono-rate-limiter";
import type { AppEnv } from "./hono-env.ts";
import type { Logger } from "./logger.ts";
import { problem } from "./problem.ts";

/** Request bodies larger than this are refused with 413, even chunked ones with no length. */
export const BODY_LIMIT = 64 * 1024;

/**
 * Refuses a body over `maxBytes` with 413 before anyone reads it, on every route: a body is read
 * whole into memory (Better Auth's, the validators'), so an unlimited one is unlimited memory.
 */
export function limitBody(maxBytes: number) {
  const tooLarge = (c: Context) =>
    problem(c, 413, { detail: `The body is over ${Math.round(maxBytes / 1024)} KB.` });
  const counted = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return createMiddleware<AppEnv>(async (c, next) => {
    // bodyLimit reads `c.req.raw.body`, which makes the Node adapter build a full Request and a
    // stream (~60 µs). Without Transfer-Encoding, the body is Content-Length bytes (Node reads no
    // more) or none at all: only a chunked body needs counting.
    if (c.req.header("transfer-encoding") !== undefined) return counted(c, next);
    return Number(c.req.header("content-length") ?? 0) > maxBytes ? tooLarge(c) : next();
  });
}

/** Hono's own JSON test: whatever passes it is parsed as JSON by the validators. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;
/**
 * Better Auth (better-call) parses a body as JSON only under exactly this media type; it takes
 * application/x-www-form-urlencoded too on sign-in and sign-up, which nothing here checks.
 */
const PLAIN_JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

function refuseBodiesOtherThan(mediaType: RegExp) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const hasBody =
      Number(c.req.header("content-length") ?? 0) > 0 ||
      c.req.header("transfer-encoding") !== undefined;
    const type = c.req.header("content-type") ?? "";
    if (hasBody && !mediaType.test(type)) {
      return problem(c, 415, {
        detail: "Send the body as JSON, with Content-Type: application/json.",
      });
    }
    if (!hasBody && c.req.method !== "GET" && c.req.method !== "HEAD") {
      // No length and not chunked: HTTP/1.1 has no body here, but the Node adapter gives every
      // POST, PATCH and DELETE a stream, and @hono/zod-openapi asks a route with an optional body
      // (PATCH .../complete) whether there is one by building, cloning and reading it (~200 µs).
      // Say it up front, as the Fetch standard does for a request without a body: null.
      Object.defineProperty(c.req.raw, "body", { value: null });
    }
    await next();
  });
}

/** A body is JSON or nothing: anything else is refused with 415 before any parsing. */
export const requireJsonBody = refuseBodiesOtherThan(JSON_MEDIA_TYPE);

/**
 * For Better Auth's routes: a body is `application/json` or nothing (415). The checks the API adds
 * (the sign-in lock, the profile rules) read the body as JSON, so Better Auth must not take
 * another encoding of it.
 */
export const requirePlainJsonBody = refuseBodiesOtherThan(PLAIN_JSON_MEDIA_TYPE);

/**
 * Whether a JSON text nests arrays and objects deeper than `max`. A linear scan, without parsing:
 * JSON.parse copes with any depth, but code that walks the result recursively (Better Auth merges
 * a hook's body into the request's with defu) overflows the stack on a few thousand levels.
 */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      // A backslash escapes the next character; a quote ends the string.
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > max) return true;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return false;
}

/** One line per request: method, route pattern, status, duration, request id (never credentials). */
export const requestLog = (logger: Logger) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      {
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        requestId: c.get("requestId"),
      },
      "request",
    );
  });

/**
 * A per-user request budget (fixed window), kept in this process: it protects the database from
 * one runaway client without a database write per request. With several instances, each allows
 * the budget, so the effective limit is per instance. No `RateLimit-*` headers; the 429 carries
 * `Retry-After`.
 */
export function perUserRateLimit({ max, windowSeconds }: { max: number; windowSeconds: number }) {
  return rateLimiter<AppEnv>({
    windowMs: windowSeconds * 1000,
    limit: max,
    keyGenerator: (c) => c.get("user").id,
    standardHeaders: false,
    handler: (c) => {
      const response = problem(c, 429, {
        detail: `At most ${max} requests per ${windowSeconds} s. Slow down.`,
      });
      const reset = c.get("rateLimit").resetTime?.getTime() ?? Date.now();
      response.headers.set("Retry-After", String(Math.ceil((reset - Date.now()) / 1000)));
      return response;
    },
  });
}

/**
 * At most `limit` holders at once; past it, callers wait their turn (first come, first served)
 * until a deadline.
 */
function slots(limit: number) {
  let held = 0;
  const queue: (() => void)[] = []; // each admits one waiting caller
  return {
    /** Resolves true once a slot is the caller's, false when `deadline` (ms) passes first. */
    acquire(deadline: number): Promise<boolean> {
      if (held < limit) {
        held++;
        return Promise.resolve(true);
      }
      return new Promise<boolean>((resolve) => {
        const admit = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(
          () => {
            queue.splice(queue.indexOf(admit), 1);
            resolve(false);
          },
          Math.max(0, deadline - Date.now()),
        );
        queue.push(admit);
      });
    },
    /** A slot handed straight to the next in line, or given back. */
    release() {
      const next = queue.shift();
      if (next) next();
      else held--;
    },
    get idle() {
      return held === 0;
    },
  };
}

/**
 * Bounds work in flight: at most `perUser` running at once for one user, `total` for everyone.
 * Past either bound a request waits its turn for up to `maxWaitMs`: a burst of ordinary use (a few
 * tabs, a few users) is served a few milliseconds late instead of refused, while one user's flood
 * queues behind its own `perUser` slots and never takes more. `enter` says which bound it could
 * not get in time, or gives the function that leaves (call it once, when done). Kept in this
 * process, like perUserRateLimit.
 */
export function inFlightLimit({
  perUser,
  total,
  maxWaitMs,
}: {
  perUser: number;
  total: number;
  maxWaitMs: number;
}) {
  const byUser = new Map<string, ReturnType<typeof slots>>();
  const all = slots(total);

  const leaveUser = (userId: string, mine: ReturnType<typeof slots>) => {
    mine.release();
    if (mine.idle && byUser.get(userId) === mine) byUser.delete(userId);
  };

  return {
    async enter(userId: string): Promise<"user" | "total" | (() => void)> {
      const deadline = Date.now() + maxWaitMs;
      let mine = byUser.get(userId);
      if (!mine) {
        mine = slots(perUser);
        byUser.set(userId, mine);
      }
      if (!(await mine.acquire(deadline))) return "user";
      if (!(await all.acquire(deadline))) {
        leaveUser(userId, mine);
        return "total";
      }
      let left = false;
      const held = mine;
      return () => {
        if (left) return;
        left = true;
        all.release();
        leaveUser(userId, held);
      };
    },
  };
}
