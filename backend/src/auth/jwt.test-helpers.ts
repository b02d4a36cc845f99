// Shared by the JWT tests (jwt.*.test.ts): real Ed25519 keys, tokens signed with them or forged,
// and a verifier whose key loads are counted.
import { randomUUID } from "node:crypto";
import {
  decodeJwt,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import { expect } from "vitest";
import { createJwtVerifier, InvalidTokenError } from "./jwt.ts";

export const ISSUER = "https://issuer.example.test";
export const AUDIENCE = "https://api.example.test";
export const USER_ID = randomUUID();
export const SESSION_ID = randomUUID();
export const EMAIL = "someone@example.test";
export const LIFETIME = 15 * 60;

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

export interface SigningKey {
  kid: string;
  privateKey: KeyPair["privateKey"];
  publicJwk: JWK;
}

/** A fresh Ed25519 key pair, named `kid`, as Better Auth's JWT plugin makes them. */
export async function newKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", {
    crv: "Ed25519",
    extractable: true,
  });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" };
  return { kid, privateKey, publicJwk };
}

export const jwksOf = (...keys: SigningKey[]): JSONWebKeySet => ({
  keys: keys.map((k) => k.publicJwk),
});

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A valid token's claims; an override set to `undefined` leaves that claim out. */
export function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  const now = nowSeconds();
  const all: Record<string, unknown> = {
    sub: USER_ID,
    sid: SESSION_ID,
    email: EMAIL,
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now,
    exp: now + 15 * 60,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
}

export function sign(key: SigningKey, payload: JWTPayload = claims()): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid: key.kid })
    .sign(key.privateKey);
}

export const base64url = (value: unknown) =>
  Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsigned token (`alg: none`) carrying `payload`, built by hand as an attacker would. */
export const unsignedToken = (payload: JWTPayload) =>
  `${base64url({ alg: "none", typ: "JWT" })}.${base64url(payload)}.`;

/** `token` with its payload changed by `change`, keeping the original header and signature. */
export function tampered(token: string, change: (payload: JWTPayload) => JWTPayload): string {
  const [header, , signature] = token.split(".");
  return `${header}.${base64url(change(decodeJwt(token)))}.${signature}`;
}

/**
 * A verifier whose key loads are counted (with the time of each), whose keys can change, and whose
 * revoked sessions and users are a set in memory (what the database poll fills in the app).
 */
export function countingVerifier(initial: JSONWebKeySet) {
  let keys = initial;
  const loads: number[] = [];
  const revoked = new Set<string>();
  const verifyToken = createJwtVerifier({
    loadKeys: async () => {
      loads.push(Date.now());
      return keys;
    },
    issuer: ISSUER,
    audience: AUDIENCE,
    maxLifetimeSeconds: LIFETIME,
    revocations: {
      ready: () => undefined,
      isRevoked: (sessionId, userId) => revoked.has(sessionId) || revoked.has(userId),
    },
  });
  return {
    verifyToken,
    loads,
    setKeys: (next: JSONWebKeySet) => {
      keys = next;
    },
    revoke: (id: string) => revoked.add(id),
  };
}

/** Resolves to the error `promise` rejected with; fails the test if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the token to be refused, but it was accepted");
}

/** Expects `promise` to fail with an InvalidTokenError, and returns its message. */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(InvalidTokenError);
  return (error as InvalidTokenError).message;
}

/** Waits until the clock is in a later whole second than `ms`, so a fresh `iat` is after it. */
export async function untilSecondAfter(ms: number): Promise<void> {
  const wait = (Math.floor(ms / 1000) + 1) * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
