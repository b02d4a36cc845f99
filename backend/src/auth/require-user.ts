import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../lib/hono-env.ts";
import type { Logger } from "../lib/logger.ts";
import { problem } from "../lib/problem.ts";
import type { Auth } from "./auth.ts";
import { InvalidTokenError, type VerifyToken } from "./jwt.ts";
import { untrustedOriginMessage } from "./untrusted-origin.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Lets a request through only with a signed-in user, and puts that user on the context:
 * - `Authorization: Bearer <jwt>`: verified locally (no database round trip);
 * - otherwise the session cookie, checked against the database, so a signed-out session fails at
 *   once. A cookie-authenticated change must come from a trusted origin (the CSRF defence).
 * Anything else is 401 (with WWW-Authenticate) or 403, as problem+json.
 */
export function requireUser(deps: {
  auth: Auth;
  verifyToken: VerifyToken;
  trustedOrigins: string[];
  logger: Logger;
}) {
  const trusted = new Set(deps.trustedOrigins);

  const deny = (
    c: Context<AppEnv>,
    status: 401 | 403,
    reason: string,
    tokenError = false,
    detail = `${reason[0]?.toUpperCase()}${reason.slice(1)}.`,
  ) => {
    deps.logger.info(
      {
        event: "auth.denied",
        status,
        reason,
        method: c.req.method,
        path: c.req.path,
        requestId: c.get("requestId"),
      },
      "request denied",
    );
    const challenge = tokenError
      ? `Bearer error="invalid_token", error_description="${reason.replaceAll('"', "'")}"`
      : "Bearer";
    const response = problem(c, status, { detail });
    if (status === 401) response.headers.set("WWW-Authenticate", challenge);
    return response;
  };

  return createMiddleware<AppEnv>(async (c, next) => {
    const authorization = c.req.header("authorization");
    if (authorization !== undefined) {
      const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization)?.[1];
      if (!token) return deny(c, 401, "the Authorization header must be: Bearer <token>", true);
      try {
        const verified = await deps.verifyToken(token);
        c.set("user", verified.user);
        c.set("session", { id: verified.sessionId, expiresAt: verified.expiresAt });
      } catch (error) {
        if (error instanceof InvalidTokenError) return deny(c, 401, error.message, true);
        throw error;
      }
      return next();
    }

    const result = await deps.auth.api.getSession({
      headers: c.req.raw.headers,
      returnHeaders: true,
    });
    const session = result.response;
    if (!session) return deny(c, 401, "sign in, or send a bearer token");
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header("origin");
      const sameOrigin = c.req.header("sec-fetch-site") === "same-origin";
      if (!sameOrigin && !(origin && trusted.has(origin))) {
        return deny(
          c,
          403,
          "this change must come from the app's own pages (untrusted or missing Origin)",
          false,
          untrustedOriginMessage(origin, deps.trustedOrigins),
        );
      }
    }
    c.set("user", { id: session.user.id, email: session.user.email });
    c.set("session", {
      id: session.session.id,
      expiresAt: new Date(session.session.expiresAt).getTime(),
    });
    await next();
    // Keep the browser's cookie in step when Better Auth extended the session.
    for (const cookie of result.headers.getSetCookie()) c.res.headers.append("Set-Cookie", cookie);
  });
}
