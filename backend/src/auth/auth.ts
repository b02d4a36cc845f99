// Better Auth: email and password accounts, database sessions, and EdDSA JWTs for API clients.

import { NAME_MAX, PASSWORD_MAX, PASSWORD_MIN } from "@todo/contract/users";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { jwt } from "better-auth/plugins";
import type { Db } from "../db/client.ts";
import { accounts, jwks, rateLimits, sessions, users, verifications } from "../db/schema.ts";
import type { Env } from "../env.ts";
import type { Logger } from "../lib/logger.ts";
import { CLIENT_IP_HEADER } from "./client-ip.ts";
import { isCommonPassword } from "./passwords.ts";

const DAY = 24 * 60 * 60;

/** Everything the auth setup needs from the configuration. */
export type AuthConfig = Pick<
  Env,
  | "BETTER_AUTH_URL"
  | "TRUSTED_ORIGINS"
  | "RATE_LIMIT_ENABLED"
  | "AUTH_RATE_LIMIT_MAX"
  | "AUTH_RATE_LIMIT_WINDOW"
  | "SIGN_IN_RATE_LIMIT_MAX"
  | "SIGN_IN_RATE_LIMIT_WINDOW"
> & { secret: string };

/**
 * JWTs for API clients: short-lived, and the only claims besides the registered ones are the user's
 * email and the session that issued the token (`sid`), by which the API refuses it once that session
 * ends (token-revocations.ts).
 */
export const JWT_LIFETIME_SECONDS = 15 * 60;

function refuseCommonPassword(password: unknown) {
  if (typeof password === "string" && isCommonPassword(password)) {
    throw new APIError("BAD_REQUEST", {
      code: "PASSWORD_TOO_COMMON",
      message:
        "This password is on a list of commonly used passwords that attackers try first. Choose another one.",
    });
  }
}

/** How an email is stored and looked up: trimmed, lower-case (anything else is left to fail). */
export const normalizeEmail = (email: unknown) =>
  typeof email === "string" ? email.trim().toLowerCase() : email;

export function createAuth({ db, config, logger }: { db: Db; config: AuthConfig; logger: Logger }) {
  const baseURL = config.BETTER_AUTH_URL;
  const signInRule = {
    window: config.SIGN_IN_RATE_LIMIT_WINDOW,
    max: config.SIGN_IN_RATE_LIMIT_MAX,
  };

  return betterAuth({
    appName: "Todo",
    baseURL,
    basePath: "/api/auth",
    secret: config.secret,
    trustedOrigins: config.TRUSTED_ORIGINS,
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: {
        users,
        session: sessions,
        account: accounts,
        verification: verifications,
        jwks,
        rateLimit: rateLimits,
      },
    }),
    user: { modelName: "users", deleteUser: { enabled: true } },
    session: {
      // Idle expiry: a session unused for 7 days ends; each day of use extends it. The database
      // caps every session at 30 days after sign-in (trigger in migration 0003).
      expiresIn: 7 * DAY,
      updateAge: DAY,
      // Deleting the account or changing the password needs a sign-in from the last 24 hours.
      freshAge: DAY,
    },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_MIN,
      maxPasswordLength: PASSWORD_MAX,
      autoSignIn: true,
    },
    rateLimit: {
      enabled: config.RATE_LIMIT_ENABLED,
      storage: "database",
      window: config.AUTH_RATE_LIMIT_WINDOW,
      max: config.AUTH_RATE_LIMIT_MAX,
      customRules: { "/sign-in/email": signInRule, "/sign-up/email": signInRule },
    },
    advanced: {
      database: { generateId: "uuid" }, // ids come from Postgres' gen_random_uuid()
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      useSecureCookies: baseURL.startsWith("https:"),
      // Better Auth skips its Origin (CSRF) check when NODE_ENV=test; we want it everywhere, so the
      // tests prove what production does.
      disableOriginCheck: false,
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        const body = (ctx.body ?? {}) as Record<string, unknown>;
        switch (ctx.path) {
          case "/sign-up/email": {
            refuseCommonPassword(body.password);
            const email = normalizeEmail(body.email);
            // The name is optional: default to the email's local part, within the name's limit.
            const name =
              typeof body.name === "string" && body.name.trim()
                ? body.name.trim()
                : typeof email === "string"
                  ? [...(email.split("@")[0] ?? "")].slice(0, NAME_MAX).join("")
                  : body.name;
            return { context: { body: { ...body, email, name } } };
          }
          case "/update-user":
            // Stored as sign-up stores it (auth.index.ts has checked it against profileSchema).
            if (typeof body.name !== "string") return;
            return { context: { body: { ...body, name: body.name.trim() } } };
          case "/sign-in/email":
            return { context: { body: { ...body, email: normalizeEmail(body.email) } } };
          case "/change-password":
            refuseCommonPassword(body.newPassword);
            // A new password ends every other session: whoever knew the old one is signed out.
            return { context: { body: { ...body, revokeOtherSessions: true } } };
          case "/reset-password":
            refuseCommonPassword(body.newPassword);
            return;
        }
      }),
    },
    plugins: [
      jwt({
        jwks: { keyPairConfig: { alg: "EdDSA", crv: "Ed25519" } },
        // Clients ask GET /api/auth/token for a JWT. Without this, every session lookup would also
        // sign a fresh JWT into a response header (a key load, decryption and signature: ~2 ms).
        disableSettingJwtHeader: true,
        jwt: {
          issuer: baseURL,
          audience: baseURL,
          // A string: a number here would be an absolute time. (Our `exp` below takes precedence.)
          expirationTime: `${JWT_LIFETIME_SECONDS}s`,
          definePayload: ({ user, session }) => {
            const now = Math.floor(Date.now() / 1000);
            return {
              email: user.email,
              sid: session.id,
              iat: now,
              // Never past the session's own end: a session that simply expires is not deleted
              // (so not revoked) until someone presents its cookie.
              exp: Math.min(
                now + JWT_LIFETIME_SECONDS,
                Math.floor(new Date(session.expiresAt).getTime() / 1000),
              ),
            };
          },
        },
      }),
    ],
    // An error that is not an APIError (a failed query) is thrown on to the app's onError: one
    // problem+json 500 (503 when the database is down) and one log line without the query's
    // parameters. Otherwise better-call answers a bare 500 and prints the whole error, parameters
    // (user data) included, with console.error. Client errors (bad password, taken email) are in
    // our audit lines; Better Auth's own 5xx are logged by auth.index.ts.
    onAPIError: { throw: true },
    logger: {
      level: "warn",
      log: (level, message, ...args) => logger[level]({ args }, `better-auth: ${message}`),
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
