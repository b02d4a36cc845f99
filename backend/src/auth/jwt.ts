import {
  createLocalJWKSet,
  decodeJwt,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from "jose";

export interface TokenUser {
  id: string;
  email: string;
}

export class InvalidTokenError extends Error {
  override name = "InvalidTokenError";
}

/** Verified tokens remembered (about 0.5 KB each). */
const VERIFIED_TOKENS_MAX = 10_000;

// Keys are reloaded at most this often, so tokens naming unknown keys cannot flood the database.
const MIN_RELOAD_INTERVAL_MS = 1000;

/**
 * Verifies API tokens locally: EdDSA signature against the JWKS (cached in this process), issuer,
 * audience and expiry. A token signed with a key newer than the cache (a new or rotated key,
 * possibly made by another instance) reloads the keys once; no database round trip otherwise.
 */
export function createJwtVerifier(options: {
  loadKeys: () => Promise<JSONWebKeySet>;
  issuer: string;
  audience: string;
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

  async function verify(token: string): Promise<{ user: TokenUser; expiresAt: number }> {
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
    if (typeof payload.sub !== "string" || typeof payload.email !== "string") {
      throw new InvalidTokenError("the token has no user");
    }
    // jose refuses a token once its `exp` second has begun; so does the cache.
    return {
      user: { id: payload.sub, email: payload.email },
      expiresAt: (payload.exp as number) * 1000,
    };
  }

  // Tokens already verified, until they expire: a client sends the same token with each request
  // for its whole life, and the Ed25519 check is most of a request's auth cost (~100 µs). Keyed by
  // the whole token, so only the very bytes that were verified match. Bounded, oldest out first.
  const verified = new Map<string, { user: TokenUser; expiresAt: number }>();

  return async function verifyToken(token: string): Promise<TokenUser> {
    const known = verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAt) return known.user;
      verified.delete(token);
      throw new InvalidTokenError("the token has expired");
    }
    const result = await verify(token);
    if (verified.size >= VERIFIED_TOKENS_MAX) {
      verified.delete(verified.keys().next().value as string);
    }
    verified.set(token, result);
    return result.user;
  };
}

function describe(error: errors.JOSEError): string {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed)
    return `the token's "${error.claim}" claim is not accepted`;
  return "the token is not valid";
}

export type VerifyToken = ReturnType<typeof createJwtVerifier>;
