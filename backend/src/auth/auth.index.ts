import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { profileSchema } from "../db/schema.ts";
import type { AppEnv } from "../lib/hono-env.ts";
import { nestedDeeperThan, requirePlainJsonBody } from "../lib/http-guards.ts";
import type { Logger } from "../lib/logger.ts";
import { problem } from "../lib/problem.ts";
import { validationHook } from "../lib/validation.ts";
import { type Auth, normalizeEmail } from "./auth.ts";
import { CLIENT_IP_HEADER, createClientIpResolver } from "./client-ip.ts";
import type { FailureCount, SignInFailures } from "./sign-in-failures.ts";
import { untrustedOriginMessage } from "./untrusted-origin.ts";

// Better Auth endpoints worth one structured log line each (never with passwords, cookies, tokens).
const AUDITED: Record<string, string> = {
  "/api/auth/sign-up/email": "auth.sign_up",
  "/api/auth/sign-in/email": "auth.sign_in",
  "/api/auth/sign-out": "auth.sign_out",
  "/api/auth/revoke-sessions": "auth.sign_out_everywhere",
  "/api/auth/change-password": "auth.change_password",
  "/api/auth/delete-user": "auth.delete_account",
};

/** Better Auth's bodies are flat; deeper JSON only serves to overflow its recursive merges. */
const MAX_JSON_DEPTH = 32;

/** The endpoints that write the user's name and image (Better Auth checks neither). */
const PROFILE_WRITERS = new Set(["/api/auth/sign-up/email", "/api/auth/update-user"]);

/**
 * Mounts Better Auth at /api/auth/*, with the client address, per-account limits and audit log;
 * its errors are answered as problem+json, like the rest of the API.
 */
export function authRouter(deps: {
  auth: Auth;
  signInFailures: SignInFailures;
  trustedProxies: string[];
  trustedOrigins: string[];
  logger: Logger;
  /** Given Better Auth's 5xx: a better answer (503 when the database is down), if there is one. */
  failed: (c: Context<AppEnv>) => Promise<Response | undefined>;
}) {
  const clientIp = createClientIpResolver(deps.trustedProxies);

  // JSON only (415 otherwise): the lock and the profile rules below read the body as JSON, and
  // Better Auth would take sign-ins and sign-ups form-encoded too, unseen by them.
  return new Hono<AppEnv>().on(["GET", "POST"], "/api/auth/*", requirePlainJsonBody, async (c) => {
    const { method, path } = c.req;
    const headers = new Headers(c.req.raw.headers);
    headers.delete(CLIENT_IP_HEADER); // only we may say who the client is
    const ip = clientIp(c.env?.incoming);
    if (ip) headers.set(CLIENT_IP_HEADER, ip);
    const body = method === "POST" ? await c.req.text() : undefined;
    if (body && nestedDeeperThan(body, MAX_JSON_DEPTH)) {
      return problem(c, 400, {
        detail: `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`,
      });
    }
    if (body && PROFILE_WRITERS.has(path)) {
      const invalid = profileProblem(c, body, path === "/api/auth/sign-up/email");
      if (invalid) return invalid;
    }
    // An empty body must stay absent: given "", Request would add Content-Type: text/plain.
    const request = new Request(c.req.url, { method, headers, body: body || undefined });

    const isSignIn = method === "POST" && path === "/api/auth/sign-in/email";
    const email = isSignIn ? emailOf(body) : undefined;
    if (email) {
      const lock = await deps.signInFailures.retryAfter(email, ip);
      if (lock) {
        deps.logger.info(
          { event: "auth.sign_in", outcome: "locked", scope: lock.scope, email, ip },
          "sign-in refused: too many failures",
        );
        const response = problem(c, 429, {
          detail:
            lock.scope === "address"
              ? "Too many failed sign-ins for this account from your network. Try again later."
              : "Too many failed sign-ins for this account. Try again later.",
        });
        response.headers.set("Retry-After", String(lock.seconds));
        return response;
      }
    }

    const response = await deps.auth.handler(request);
    if (response.status >= 500) {
      const better = await deps.failed(c);
      if (better) return better;
      // Better Auth's own 5xx (its errors that are not, thrown to onError, are logged there).
      deps.logger.error(
        { status: response.status, path, requestId: c.get("requestId") },
        "better-auth: request failed",
      );
    }

    const failures =
      email && response.status === 401 ? await deps.signInFailures.record(email, ip) : undefined;
    if (email && response.ok) await deps.signInFailures.clear(email, ip);
    if (response.status === 429 && !response.headers.has("Retry-After")) {
      response.headers.set("Retry-After", response.headers.get("X-Retry-After") ?? "60");
    }
    const event = method === "POST" ? AUDITED[path] : undefined;
    if (event) {
      deps.logger.info(
        {
          event,
          outcome: response.ok ? "success" : "failure",
          status: response.status,
          ...(path.includes("/email") ? { email: emailOf(body) } : {}),
          ip,
          requestId: c.get("requestId"),
        },
        `${event} ${response.ok ? "succeeded" : "failed"}`,
      );
    }
    if (response.status < 400) return response;

    const error = await betterAuthError(response);
    if (response.status === 403 && error.code === "INVALID_ORIGIN") {
      error.message = untrustedOriginMessage(c.req.header("origin"), deps.trustedOrigins);
    }
    if (failures) Object.assign(error, triesLeft(failures));
    return asProblem(c, response, error);
  });
}

/**
 * The email of a sign-in/sign-up body, normalised as Better Auth's hook does: exactly the account
 * Better Auth will look up (bodies are JSON only, and JSON.parse is what Better Auth parses with).
 */
function emailOf(body: string | undefined): string | undefined {
  try {
    const email = normalizeEmail((JSON.parse(body ?? "") as { email?: unknown }).email);
    return typeof email === "string" ? email : undefined;
  } catch {
    return undefined;
  }
}

/** Better Auth's error body, `{code, message}` (or nothing, for a bare 404 or 500). */
type BetterAuthError = Record<string, unknown> & { code?: unknown; message?: unknown };

async function betterAuthError(response: Response): Promise<BetterAuthError> {
  const body: unknown = await response.json().catch(() => undefined);
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as BetterAuthError)
    : {};
}

/**
 * Better Auth's 401 message for a failed sign-in, with the tries left before a lock (also as
 * `triesLeft`). The same for an unknown email as for a wrong password: the count is kept per
 * email either way.
 */
function triesLeft(count: FailureCount): { message: string; triesLeft: number } {
  const minutes = Math.max(1, Math.ceil(count.windowEndsIn / 60));
  const wait = `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const message =
    count.triesLeft === 0
      ? `Wrong email or password. Too many failed tries: sign-in is locked for ${wait}.`
      : `Wrong email or password. ${count.triesLeft} ${count.triesLeft === 1 ? "try" : "tries"} left before sign-in is locked for ${wait}.`;
  return { message, triesLeft: count.triesLeft };
}

// The members problem() writes itself; a Better Auth body may not replace them.
const PROBLEM_MEMBERS = new Set(["type", "title", "status", "detail", "request_id", "errors"]);

/**
 * Better Auth's error as problem+json, the API's one error shape. Its `message` is the `detail`,
 * and `code` and `message` stay as members: Better Auth's own client reads `error.code` and
 * `error.message` from the body, and the web app's forms show the message. Its headers
 * (Set-Cookie, Retry-After) are kept.
 */
function asProblem(c: Context<AppEnv>, response: Response, error: BetterAuthError): Response {
  const members = Object.fromEntries(
    Object.entries(error).filter(([name]) => !PROBLEM_MEMBERS.has(name)),
  );
  const detail = typeof error.message === "string" ? error.message : bareDetail(c, response.status);
  const answer = problem(c, response.status as ContentfulStatusCode, {
    ...members,
    ...(detail === undefined ? {} : { detail }),
  });
  for (const [name, value] of response.headers) {
    if (name !== "content-type" && name !== "content-length" && name !== "set-cookie") {
      answer.headers.set(name, value);
    }
  }
  for (const cookie of response.headers.getSetCookie()) answer.headers.append("Set-Cookie", cookie);
  return answer;
}

/** The detail of a Better Auth error that came with no body: its bare 404 and 500. */
function bareDetail(c: Context, status: number): string | undefined {
  if (status === 404) return `No route for ${c.req.method} ${c.req.path}.`;
  if (status >= 500) return "Something went wrong on our side.";
  return undefined;
}

/** A 422 when a sign-up or update-user body sets a name or image outside `profileSchema`. */
function profileProblem(c: Context<AppEnv>, body: string, isSignUp: boolean) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined; // Better Auth answers malformed JSON (400)
  }
  if (typeof parsed !== "object" || parsed === null) return undefined; // and a body not an object
  const { name, image } = parsed as Record<string, unknown>;
  // A sign-up without a name (or a blank one) is named after the email (see auth.ts).
  const defaultName = isSignUp && (typeof name === "string" ? name.trim() === "" : name == null);
  const result = profileSchema.safeParse({
    ...(name === undefined || defaultName ? {} : { name }),
    ...(image === undefined ? {} : { image }),
  });
  return result.success
    ? undefined
    : validationHook({ success: false, error: result.error, target: "json" }, c);
}
