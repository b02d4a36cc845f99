import type { HttpBindings } from "@hono/node-server";
import type { RateLimitInfo } from "hono-rate-limiter";

/** The signed-in user, as `requireUser` puts it on the context (from a session or a JWT). */
export interface AuthUser {
  id: string;
  email: string;
}

/** The Hono environment of this app: Node's request objects, and what middleware sets. */
export interface AppEnv {
  Bindings: HttpBindings;
  Variables: {
    user: AuthUser;
    /** The credential's session, and when the credential expires (ms since the epoch). */
    session: { id: string; expiresAt: number };
    /** Set by the per-user rate limit (hono-rate-limiter) on every signed-in request. */
    rateLimit: RateLimitInfo;
  };
}
