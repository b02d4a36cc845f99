import { type Context, Hono } from "hono";
import type { AppEnv } from "../lib/hono-env.ts";
import type { Logger } from "../lib/logger.ts";
import { problem } from "../lib/problem.ts";
import type { Auth } from "./auth.ts";
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

/** Mounts Better Auth at /api/auth/*, with the client address, per-account limits and audit log. */
export function authRoutes(deps: {
  auth: Auth;
  signInFailures: SignInFailures;
  trustedProxies: string[];
  trustedOrigins: string[];
  logger: Logger;
  /** Given Better Auth's 5xx: a better answer (503 when the database is down), if there is one. */
  failed: (c: Context<AppEnv>) => Promise<Response | undefined>;
}) {
  const clientIp = createClientIpResolver(deps.trustedProxies);

  return new Hono<AppEnv>().on(["GET", "POST"], "/api/auth/*", async (c) => {
    const { method, path } = c.req;
    const headers = new Headers(c.req.raw.headers);
    headers.delete(CLIENT_IP_HEADER); // only we may say who the client is
    const ip = clientIp(c.env?.incoming);
    if (ip) headers.set(CLIENT_IP_HEADER, ip);
    const body = method === "POST" ? await c.req.text() : undefined;
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

    let response = await deps.auth.handler(request);
    if (response.status === 403)
      response = await explainInvalidOrigin(response, c, deps.trustedOrigins);
    if (response.status >= 500) {
      const better = await deps.failed(c);
      if (better) return better;
    }

    if (email) {
      if (response.status === 401) {
        response = await withTriesLeft(response, await deps.signInFailures.record(email, ip));
      } else if (response.ok) await deps.signInFailures.clear(email, ip);
    }
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
    return response;
  });
}

/** Better Auth's bare "Invalid origin", with where the page is and which address to open instead. */
async function explainInvalidOrigin(response: Response, c: Context<AppEnv>, trusted: string[]) {
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as { code?: unknown } | undefined;
  if (body?.code !== "INVALID_ORIGIN") return response;
  const message = untrustedOriginMessage(c.req.header("origin"), trusted);
  const headers = new Headers(response.headers);
  headers.delete("content-length"); // the body changes
  return Response.json({ ...body, message }, { status: 403, headers });
}

/** The normalised email of a JSON sign-in/sign-up body, if it has one. */
function emailOf(body: string | undefined): string | undefined {
  try {
    const email = (JSON.parse(body ?? "") as { email?: unknown }).email;
    return typeof email === "string" ? email.trim().toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Better Auth's 401 ({code, message}) with the tries left before a lock added to the message the
 * web app shows, and as `triesLeft`. The same for an unknown email as for a wrong password: the
 * count is kept per email either way.
 */
async function withTriesLeft(response: Response, count: FailureCount): Promise<Response> {
  let body: Record<string, unknown>;
  try {
    body = (await response.clone().json()) as Record<string, unknown>;
  } catch {
    return response;
  }
  const minutes = Math.max(1, Math.ceil(count.windowEndsIn / 60));
  const wait = `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const message =
    count.triesLeft === 0
      ? `Wrong email or password. Too many failed tries: sign-in is locked for ${wait}.`
      : `Wrong email or password. ${count.triesLeft} ${count.triesLeft === 1 ? "try" : "tries"} left before sign-in is locked for ${wait}.`;
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify({ ...body, message, triesLeft: count.triesLeft }), {
    status: response.status,
    headers,
  });
}
