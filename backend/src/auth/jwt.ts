import {
  createLocalJWKSet,
  decodeJwt,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from "jose";
import type { Revocations } from "./token-revocations.ts";

export interface TokenUser {
  id: string;
  email: string;
}

export class InvalidTokenError extends Error {
  override name = "InvalidTokenError";
}

/** What a verified token says, as remembered until it expires. */
export interface VerifiedToken {
  user: TokenUser;
  sessionId: string;
  expiresAt: number;
}

// Claims go into SQL (`sub` is compared with uuid columns) and responses: a validly signed token
// with anything else in them is refused (401), never a 500 from the database.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The longest email address (RFC 5321's path limit). */
const EMAIL_MAX = 254;
/** How far ahead of ours the signer's clock may be when it stamps `iat`. */
const CLOCK_SKEW_SECONDS = 60;

/** Verified tokens remembered (about 0.5 KB each). */
const VERIFIED_TOKENS_MAX = 10_000;

// Keys are reloaded at most this often, so tokens naming unknown keys cannot flood the database.
const MIN_RELOAD_INTERVAL_MS = 1000;

/**
 * Verifies API tokens locally: EdDSA signature against the JWKS (cached in this process), issuer,
 * audience, expiry, a lifetime no longer than `maxLifetimeSeconds`, and a session (`sid`) and user
 * that are not revoked. A token signed with a key newer than the cache (a new or rotated key,
 * possibly made by another instance) reloads the keys once; no database round trip otherwise.
 */
export function createJwtVerifier(options: {
  loadKeys: () => Promise<JSONWebKeySet>;
  issuer: string;
  audience: string;
  /**
   * The longest a token may live (`exp` - `iat`). Revocations are remembered this long, so a
   * longer-lived token would outlive the memory of its revocation.
   */
  maxLifetimeSeconds: number;
  revocations: Revocations;
}) {
  let keySet: ReturnType<typeof createLocalJWKSet> | undefined;
  let loadedAt = Number.NEGATIVE_INFINITY; // when the last load started
  let reloading: Promise<void> | undefined;

  /**
   * Makes sure the cached keys were loaded at or after `time` (ms, not in the future), waiting out
   * the reload interval. A reload already under way counts only if it started late enough.
   */
  async function keysSince(time: number): Promise<void> {
    while (loadedAt < time) {
      reloading ??= (async () => {
        const wait = loadedAt + MIN_RELOAD_INTERVAL_MS - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const started = Date.now();
        keySet = createLocalJWKSet(await options.loadKeys());
        loadedAt = started;
      })().finally(() => {
        reloading = undefined;
      });
      await reloading;
    }
  }

  const verifyWith = (token: string, keys: ReturnType<typeof createLocalJWKSet>) =>
    jwtVerify(token, keys, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: ["EdDSA"], // refuses "none" and any algorithm we do not sign with
      requiredClaims: ["sub", "exp", "iat"],
    });

  async function verify(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    try {
      if (!keySet) await keysSince(0);
      try {
        payload = (await verifyWith(token, keySet as ReturnType<typeof createLocalJWKSet>)).payload;
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
        // Unknown key: reload only if the token may have been signed after our keys were loaded
        // (`iat` counts whole seconds, hence the second added) and not in the future; otherwise
        // the key does not exist.
        const { iat } = decodeJwt(token);
        const now = Date.now();
        if (typeof iat !== "number" || !Number.isFinite(iat)) throw error;
        const signedBy = iat * 1000 + 1000;
        if (signedBy <= loadedAt || iat * 1000 > now + 60_000) throw error;
        // A load that started in this very millisecond may predate the key: require a later one.
        await keysSince(Math.min(signedBy, now + 1));
        payload = (await verifyWith(token, keySet as ReturnType<typeof createLocalJWKSet>)).payload;
      }
    } catch (error) {
      if (error instanceof errors.JOSEError) throw new InvalidTokenError(describe(error));
      throw error; // the database failed: a 500, not a 401
    }
    const { sub, email, sid, iat, exp } = payload;
    if (typeof sub !== "string" || !UUID.test(sub)) {
      throw new InvalidTokenError(`the token's "sub" claim is not accepted`);
    }
    if (typeof email !== "string" || email.length > EMAIL_MAX) {
      throw new InvalidTokenError(`the token's "email" claim is not accepted`);
    }
    // Tokens from before sessions were named in them cannot be revoked: refused, the client asks
    // for a new one.
    if (typeof sid !== "string" || !UUID.test(sid)) {
      throw new InvalidTokenError("the token names no session; get a new one");
    }
    // jose checked that both are numbers (not that they are finite, or sensible).
    const issued = iat as number;
    const expires = exp as number;
    if (!Number.isFinite(issued) || issued * 1000 > Date.now() + CLOCK_SKEW_SECONDS * 1000) {
      throw new InvalidTokenError(`the token's "iat" claim is not accepted`);
    }
    if (!Number.isFinite(expires) || expires - issued > options.maxLifetimeSeconds) {
      throw new InvalidTokenError(`the token's "exp" claim is not accepted`);
    }
    // jose refuses a token once its `exp` second has begun; so does the cache.
    return {
      user: { id: sub.toLowerCase(), email },
      sessionId: sid.toLowerCase(),
      expiresAt: expires * 1000,
    };
  }

  // Tokens already verified, until they expire: a client sends the same token with each request
  // for its whole life, and the Ed25519 check is most of a request's auth cost (~100 µs). Keyed by
  // the whole token, so only the very bytes that were verified match. Bounded, oldest out first.
  const verified = new Map<string, VerifiedToken>();

  async function signedToken(token: string): Promise<VerifiedToken> {
    const known = verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAt) return known;
      verified.delete(token);
      throw new InvalidTokenError("the token has expired");
    }
    const result = await verify(token);
    if (verified.size >= VERIFIED_TOKENS_MAX) {
      verified.delete(verified.keys().next().value as string);
    }
    verified.set(token, result);
    return result;
  }

  return async function verifyToken(token: string): Promise<VerifiedToken> {
    const verified = await signedToken(token);
    const { user, sessionId } = verified;
    // Checked on every request, cached token or not: a revocation comes after the verification.
    const pending = options.revocations.ready();
    if (pending) await pending;
    if (options.revocations.isRevoked(sessionId, user.id)) {
      throw new InvalidTokenError("the token's session has ended");
    }
    return verified;
  };
}

function describe(error: errors.JOSEError): string {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed)
    return `the token's "${error.claim}" claim is not accepted`;
  return "the token is not valid";
}

export type VerifyToken = ReturnType<typeof createJwtVerifier>;
