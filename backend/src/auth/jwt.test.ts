// API tokens, with real keys and real signatures: the verifier on its own, then the app over HTTP.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Browser } from "../../test/browser.ts";
import {
  APP_ORIGIN,
  databaseKind,
  openTestDatabase,
  startTestServer,
  type TestServer,
  testConfig,
  uniqueEmail,
} from "../../test/helpers.ts";
import type { Database } from "../db/client.ts";
import { sessions } from "../db/schema.ts";
import { createAuth } from "./auth.ts";
import { createJwtVerifier, InvalidTokenError } from "./jwt.ts";

const silent = pino({ level: "silent" });

const ISSUER = "https://issuer.example.test";
const AUDIENCE = "https://api.example.test";
const USER_ID = randomUUID();
const SESSION_ID = randomUUID();
const EMAIL = "someone@example.test";
const LIFETIME = 15 * 60;

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

interface SigningKey {
  kid: string;
  privateKey: KeyPair["privateKey"];
  publicJwk: JWK;
}

/** A fresh Ed25519 key pair, named `kid`, as Better Auth's JWT plugin makes them. */
async function newKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", {
    crv: "Ed25519",
    extractable: true,
  });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" };
  return { kid, privateKey, publicJwk };
}

const jwksOf = (...keys: SigningKey[]): JSONWebKeySet => ({ keys: keys.map((k) => k.publicJwk) });

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A valid token's claims; an override set to `undefined` leaves that claim out. */
function claims(overrides: Record<string, unknown> = {}): JWTPayload {
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

function sign(key: SigningKey, payload: JWTPayload = claims()): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid: key.kid })
    .sign(key.privateKey);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsigned token (`alg: none`) carrying `payload`, built by hand as an attacker would. */
const unsignedToken = (payload: JWTPayload) =>
  `${base64url({ alg: "none", typ: "JWT" })}.${base64url(payload)}.`;

/** `token` with its payload changed by `change`, keeping the original header and signature. */
function tampered(token: string, change: (payload: JWTPayload) => JWTPayload): string {
  const [header, , signature] = token.split(".");
  return `${header}.${base64url(change(decodeJwt(token)))}.${signature}`;
}

/**
 * A verifier whose key loads are counted (with the time of each), whose keys can change, and whose
 * revoked sessions and users are a set in memory (what the database poll fills in the app).
 */
function countingVerifier(initial: JSONWebKeySet) {
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
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the token to be refused, but it was accepted");
}

/** Expects `promise` to fail with an InvalidTokenError, and returns its message. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(InvalidTokenError);
  return (error as InvalidTokenError).message;
}

/** Waits until the clock is in a later whole second than `ms`, so a fresh `iat` is after it. */
async function untilSecondAfter(ms: number): Promise<void> {
  const wait = (Math.floor(ms / 1000) + 1) * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

describe("verifying a token", () => {
  let key: SigningKey;
  let verifier: ReturnType<typeof countingVerifier>;

  beforeAll(async () => {
    key = await newKey();
    verifier = countingVerifier(jwksOf(key));
  });

  it("accepts a valid token and answers its user's id and email", async () => {
    expect(await verifier.verifyToken(await sign(key))).toEqual({ id: USER_ID, email: EMAIL });
  });

  it("loads the keys once and keeps them for later tokens", async () => {
    for (let i = 0; i < 3; i++) await verifier.verifyToken(await sign(key));
    expect(verifier.loads).toHaveLength(1);
  });

  it("refuses an expired token, saying it has expired", async () => {
    const now = nowSeconds();
    const token = await sign(key, claims({ iat: now - 3600, exp: now - 60 }));
    expect(await refusal(verifier.verifyToken(token))).toBe("the token has expired");
  });

  it("refuses a token signed with another key that has the same kid", async () => {
    const impostor = await newKey(key.kid);
    const message = await refusal(verifier.verifyToken(await sign(impostor)));
    expect(message).toBe("the token is not valid");
    expect(verifier.loads).toHaveLength(1); // a known kid: no reason to reload
  });

  it("refuses an unsigned token (alg: none)", async () => {
    expect(await refusal(verifier.verifyToken(unsignedToken(claims())))).toBe(
      "the token is not valid",
    );
  });

  it("refuses a token whose payload was changed after signing", async () => {
    const token = await sign(key);
    const forged = tampered(token, (payload) => ({ ...payload, email: "attacker@example.test" }));
    expect(decodeJwt(forged).email).toBe("attacker@example.test");
    expect(await refusal(verifier.verifyToken(forged))).toBe("the token is not valid");
  });

  it("refuses a token for another audience", async () => {
    const token = await sign(key, claims({ aud: "https://other.example.test" }));
    expect(await refusal(verifier.verifyToken(token))).toBe(
      `the token's "aud" claim is not accepted`,
    );
  });

  it("refuses a token from another issuer", async () => {
    const token = await sign(key, claims({ iss: "https://other.example.test" }));
    expect(await refusal(verifier.verifyToken(token))).toBe(
      `the token's "iss" claim is not accepted`,
    );
  });

  it("refuses a token without a subject", async () => {
    const token = await sign(key, claims({ sub: undefined }));
    expect(await refusal(verifier.verifyToken(token))).toBe(
      `the token's "sub" claim is not accepted`,
    );
  });

  it("refuses a token without an email, or with an email that is not a string", async () => {
    const missing = await sign(key, claims({ email: undefined }));
    expect(await refusal(verifier.verifyToken(missing))).toBe(
      `the token's "email" claim is not accepted`,
    );
    const notString = await sign(key, claims({ email: 42 }));
    expect(await refusal(verifier.verifyToken(notString))).toBe(
      `the token's "email" claim is not accepted`,
    );
  });

  // Validly signed tokens with claims our signer never writes (a bug, a changed definePayload, a
  // leaked key): the subject goes into SQL as a uuid, so a bad one used to be a 500.
  it.each([
    ["not a UUID", "not-a-uuid"],
    ["a UUID with extra characters", `${USER_ID}x`],
    ["a number", 42],
    ["a huge string", "a".repeat(100_000)],
  ])("refuses a token whose subject is %s", async (_, sub) => {
    const token = await sign(key, claims({ sub }));
    expect(await refusal(verifier.verifyToken(token))).toBe(
      `the token's "sub" claim is not accepted`,
    );
  });

  it("refuses a token whose email is longer than an email can be", async () => {
    const token = await sign(key, claims({ email: `${"a".repeat(250)}@example.test` }));
    expect(await refusal(verifier.verifyToken(token))).toBe(
      `the token's "email" claim is not accepted`,
    );
  });

  it("refuses a token that names no session, or not a session id (it could not be revoked)", async () => {
    for (const sid of [undefined, "session", 7, `${SESSION_ID}0`]) {
      const token = await sign(key, claims({ sid }));
      expect(await refusal(verifier.verifyToken(token)), String(sid)).toBe(
        "the token names no session; get a new one",
      );
    }
  });

  it("refuses a token that lives longer than a token may (it would outlive its revocation)", async () => {
    const now = nowSeconds();
    for (const exp of [now + LIFETIME + 1, now + 10 * 365 * 86_400, 1e300]) {
      const token = await sign(key, claims({ iat: now, exp }));
      expect(await refusal(verifier.verifyToken(token)), String(exp)).toBe(
        `the token's "exp" claim is not accepted`,
      );
    }
  });

  it("refuses a token issued in the future, but allows a minute of clock difference", async () => {
    const now = nowSeconds();
    const future = await sign(key, claims({ iat: now + 3600, exp: now + 3600 + 60 }));
    expect(await refusal(verifier.verifyToken(future))).toBe(
      `the token's "iat" claim is not accepted`,
    );
    const skewed = await sign(key, claims({ iat: now + 30, exp: now + 30 + LIFETIME }));
    expect(await verifier.verifyToken(skewed)).toEqual({ id: USER_ID, email: EMAIL });
  });

  it("refuses a token without an expiry or an issue time", async () => {
    for (const claim of ["exp", "iat"]) {
      const token = await sign(key, claims({ [claim]: undefined }));
      expect(await refusal(verifier.verifyToken(token)), claim).toBe(
        `the token's "${claim}" claim is not accepted`,
      );
    }
  });

  it("refuses a token signed with a shared secret (HS256)", async () => {
    const secret = new TextEncoder().encode("a shared secret of at least 32 bytes!!");
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: key.kid })
      .sign(secret);
    expect(await refusal(verifier.verifyToken(token))).toBe("the token is not valid");
  });

  it("refuses strings that are not tokens", async () => {
    for (const garbage of [
      "",
      "abc",
      "a.b.c",
      "a.b",
      "..",
      `${base64url({ alg: "EdDSA" })}.e30.`,
    ]) {
      expect(await refusal(verifier.verifyToken(garbage)), garbage).toBe("the token is not valid");
    }
  });

  it("never reloaded the keys for any of these tokens", () => {
    expect(verifier.loads.length).toBeLessThanOrEqual(1); // 0 when this test runs on its own
  });
});

describe("revoked sessions and users", () => {
  it("refuses a token, remembered or not, once its session is revoked; other sessions' tokens pass", async () => {
    const key = await newKey();
    const verifier = countingVerifier(jwksOf(key));
    const token = await sign(key);
    const otherSession = await sign(key, claims({ sid: randomUUID() }));
    expect(await verifier.verifyToken(token)).toEqual({ id: USER_ID, email: EMAIL });
    verifier.revoke(SESSION_ID);
    expect(await refusal(verifier.verifyToken(token))).toBe("the token's session has ended");
    expect(await refusal(verifier.verifyToken(await sign(key)))).toBe(
      "the token's session has ended",
    );
    expect(await verifier.verifyToken(otherSession)).toEqual({ id: USER_ID, email: EMAIL });
  });

  it("refuses every token of a revoked user, whatever its session", async () => {
    const key = await newKey();
    const verifier = countingVerifier(jwksOf(key));
    const user = randomUUID();
    const token = await sign(key, claims({ sub: user, sid: randomUUID() }));
    await verifier.verifyToken(token);
    verifier.revoke(user);
    expect(await refusal(verifier.verifyToken(token))).toBe("the token's session has ended");
    const another = await sign(key, claims({ sub: user, sid: randomUUID() }));
    expect(await refusal(verifier.verifyToken(another))).toBe("the token's session has ended");
  });
});

describe("remembering verified tokens", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("accepts a verified token again until its expiry, then refuses it as expired", async () => {
    const key = await newKey();
    const { verifyToken } = countingVerifier(jwksOf(key));
    const exp = nowSeconds() + 60;
    const token = await sign(key, claims({ exp }));
    expect(await verifyToken(token)).toEqual({ id: USER_ID, email: EMAIL });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(exp * 1000 - 1);
    expect(await verifyToken(token)).toEqual({ id: USER_ID, email: EMAIL });
    vi.setSystemTime(exp * 1000); // jose refuses from the `exp` second on: so does the cache
    expect(await refusal(verifyToken(token))).toBe("the token has expired");
  });

  it("remembers only the exact token: a changed copy of a verified token is still refused", async () => {
    const key = await newKey();
    const { verifyToken } = countingVerifier(jwksOf(key));
    const token = await sign(key);
    await verifyToken(token);
    const other = tampered(token, (payload) => ({ ...payload, sub: randomUUID() }));
    expect(await refusal(verifyToken(other))).toBe("the token is not valid");
    expect(await refusal(verifyToken(`${token}x`))).toBe("the token is not valid");
  });
});

describe("reloading the keys for a key it does not know", () => {
  it("accepts a token from a key made after the last load, after one reload", async () => {
    const old = await newKey();
    const verifier = countingVerifier(jwksOf(old));
    await verifier.verifyToken(await sign(old));
    expect(verifier.loads).toHaveLength(1);

    // Another instance makes a new key and signs a token with it, after our load.
    const fresh = await newKey();
    verifier.setKeys(jwksOf(old, fresh));
    await untilSecondAfter(verifier.loads[0] ?? Date.now());
    expect(await verifier.verifyToken(await sign(fresh))).toEqual({ id: USER_ID, email: EMAIL });
    expect(verifier.loads).toHaveLength(2);

    // Both keys are cached now.
    await verifier.verifyToken(await sign(fresh));
    await verifier.verifyToken(await sign(old));
    expect(verifier.loads).toHaveLength(2);
  });

  it("accepts a token from a key made in the same second as the last load (iat has whole seconds)", async () => {
    const old = await newKey();
    const verifier = countingVerifier(jwksOf(old));
    await verifier.verifyToken(await sign(old));
    const fresh = await newKey();
    verifier.setKeys(jwksOf(old, fresh));
    const sameSecond = Math.floor((verifier.loads[0] ?? 0) / 1000);
    const token = await sign(fresh, claims({ iat: sameSecond }));
    expect(await verifier.verifyToken(token)).toEqual({ id: USER_ID, email: EMAIL });
    expect(verifier.loads).toHaveLength(2);
  });

  it("refuses an unknown key with an iat that is not a number, without reloading", async () => {
    const known = await newKey();
    const verifier = countingVerifier(jwksOf(known));
    await verifier.verifyToken(await sign(known));
    const token = await sign(await newKey(), claims({ iat: "soon" }));
    expect(await refusal(verifier.verifyToken(token))).toBe("the token is not valid");
    expect(verifier.loads).toHaveLength(1);
  });

  it("refuses an unknown key with a token issued before the last load, without reloading", async () => {
    const known = await newKey();
    const verifier = countingVerifier(jwksOf(known));
    await verifier.verifyToken(await sign(known));

    const unknown = await newKey();
    const token = await sign(unknown, claims({ iat: nowSeconds() - 60 }));
    const started = Date.now();
    expect(await refusal(verifier.verifyToken(token))).toBe("the token is not valid");
    expect(Date.now() - started).toBeLessThan(900); // refused at once: no wait for a reload
    expect(verifier.loads).toHaveLength(1);
  });

  it("refuses an unknown key with a token issued more than a minute in the future, without reloading", async () => {
    const known = await newKey();
    const verifier = countingVerifier(jwksOf(known));
    await verifier.verifyToken(await sign(known));

    const token = await sign(await newKey(), claims({ iat: nowSeconds() + 3600 }));
    expect(await refusal(verifier.verifyToken(token))).toBe("the token is not valid");
    expect(verifier.loads).toHaveLength(1);
  });

  it("reloads at most once a second, however many unknown keys arrive at once", async () => {
    const known = await newKey();
    const verifier = countingVerifier(jwksOf(known));
    await verifier.verifyToken(await sign(known));

    // Tokens that claim to be newer than our keys (iat in the near future), from keys we never get.
    const unknownKeys = await Promise.all(Array.from({ length: 50 }, () => newKey()));
    const signTokens = () =>
      Promise.all(unknownKeys.map((k) => sign(k, claims({ iat: nowSeconds() + 30 }))));

    const firstWave = await Promise.allSettled((await signTokens()).map(verifier.verifyToken));
    for (const result of firstWave) {
      expect(result.status).toBe("rejected");
      if (result.status === "rejected") expect(result.reason).toBeInstanceOf(InvalidTokenError);
    }
    expect(verifier.loads.length - 1).toBeGreaterThanOrEqual(1);
    expect(verifier.loads.length - 1).toBeLessThanOrEqual(2);

    // A second wave right after the first has to wait for the interval again.
    const loadsBefore = verifier.loads.length;
    const secondWave = await Promise.allSettled((await signTokens()).map(verifier.verifyToken));
    expect(secondWave.every((result) => result.status === "rejected")).toBe(true);
    expect(verifier.loads.length - loadsBefore).toBeLessThanOrEqual(2);

    const gaps = verifier.loads.slice(1).map((time, i) => time - (verifier.loads[i] ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(980); // timers may round by a ms
  });
});

describe(`API tokens over HTTP (${databaseKind})`, () => {
  const PASSWORD = "a long unusual passphrase 42";
  const BASE_URL = testConfig().BETTER_AUTH_URL;

  let database: Database;
  let server: TestServer;
  let email: string;
  let userId: string;
  let token: string;
  let jwks: JSONWebKeySet;

  const me = (authorization: string) =>
    fetch(`${server.url}/api/me`, { headers: { Authorization: authorization } });

  async function expectInvalidToken(response: Response) {
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 401, title: "Unauthorized" });
  }

  beforeAll(async () => {
    database = await openTestDatabase();
    server = await startTestServer(database);

    email = uniqueEmail("jwt");
    const signUp = await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: APP_ORIGIN },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(signUp.status).toBe(200);
    userId = ((await signUp.json()) as { user: { id: string } }).user.id;
    const cookie = signUp.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");

    const tokenResponse = await fetch(`${server.url}/api/auth/token`, {
      headers: { Cookie: cookie },
    });
    expect(tokenResponse.status).toBe(200);
    token = ((await tokenResponse.json()) as { token: string }).token;

    const jwksResponse = await fetch(`${server.url}/api/auth/jwks`);
    expect(jwksResponse.status).toBe(200);
    jwks = (await jwksResponse.json()) as JSONWebKeySet;
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it("answers GET /api/me with the token's user", async () => {
    const response = await me(`Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: userId, email });
  });

  it("puts only the user id, email, session id, issuer, audience and times in the token", async () => {
    const payload = decodeJwt(token);
    expect(Object.keys(payload).sort()).toEqual([
      "aud",
      "email",
      "exp",
      "iat",
      "iss",
      "sid",
      "sub",
    ]);
    const [session] = await database.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(eq(sessions.userId, userId));
    expect(payload).toMatchObject({
      sub: userId,
      sid: session?.id,
      email,
      iss: BASE_URL,
      aud: BASE_URL,
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(15 * 60);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "EdDSA" });
  });

  it("never lets a token outlive the session that issued it", async () => {
    const b = new Browser(server.url);
    expect((await b.signUp(uniqueEmail("ending"))).status).toBe(200);
    const { user } = (await (await b.get("/api/auth/get-session")).json()) as {
      user: { id: string };
    };
    // Signed in 30 days ago less 2 minutes: the session's absolute lifetime ends in 2 minutes,
    // however it is extended.
    const ends = new Date(Math.floor(Date.now() / 1000) * 1000 + 120_000);
    await database.db
      .update(sessions)
      .set({ createdAt: new Date(ends.getTime() - 30 * 86_400_000), expiresAt: ends })
      .where(eq(sessions.userId, user.id));
    const { token: short } = (await (await b.get("/api/auth/token")).json()) as { token: string };
    expect(decodeJwt(short).exp).toBe(ends.getTime() / 1000);
  });

  // A token signed with the server's own key (Better Auth's server-only signJWT, as a changed
  // definePayload or a leaked key would produce) whose claims are not what we issue.
  it.each([
    ["a subject that is not a UUID", { sub: "not-a-uuid" }, "'sub'"],
    ["an email that is not a string", { email: { address: "x@example.test" } }, "'email'"],
    ["an email of 10,000 characters", { email: `${"a".repeat(10_000)}@x.test` }, "'email'"],
    ["an expiry a year away", { exp: Math.floor(Date.now() / 1000) + 365 * 86_400 }, "'exp'"],
  ])(
    "answers 401 invalid_token, not 500, to a validly signed token with %s",
    async (_, change, claim) => {
      const auth = createAuth({ db: database.db, config: testConfig(), logger: silent });
      const { token: odd } = await auth.api.signJWT({
        body: { payload: { ...decodeJwt(token), ...change } },
      });
      const response = await me(`Bearer ${odd}`);
      await expectInvalidToken(response);
      expect(response.headers.get("www-authenticate")).toContain(claim);
      const list = await fetch(`${server.url}/api/me/tasks`, {
        headers: { Authorization: `Bearer ${odd}` },
      });
      expect(list.status).toBe(401);
    },
  );

  it("publishes only public Ed25519 keys, one of them the token's", () => {
    const { kid } = decodeProtectedHeader(token);
    expect(jwks.keys.map((k) => k.kid)).toContain(kid);
    for (const k of jwks.keys) {
      expect(k).toMatchObject({ kty: "OKP", crv: "Ed25519" });
      expect(k).not.toHaveProperty("d"); // the private part
    }
  });

  it("refuses the token with its payload changed (401 invalid_token, problem+json)", async () => {
    const forged = tampered(token, (payload) => ({ ...payload, email: uniqueEmail("attacker") }));
    await expectInvalidToken(await me(`Bearer ${forged}`));
    const otherUser = tampered(token, (payload) => ({ ...payload, sub: randomUUID() }));
    await expectInvalidToken(await me(`Bearer ${otherUser}`));
  });

  it("refuses an unsigned (alg: none) copy of the token's payload", async () => {
    await expectInvalidToken(await me(`Bearer ${unsignedToken(decodeJwt(token))}`));
  });

  it("refuses a token signed with another key under the real key's kid", async () => {
    const { kid } = decodeProtectedHeader(token);
    expect(kid).toEqual(expect.any(String));
    const impostor = await newKey(kid);
    const forged = await sign(impostor, decodeJwt(token));
    await expectInvalidToken(await me(`Bearer ${forged}`));
  });

  it("refuses an Authorization header that is not `Bearer <token>`", async () => {
    for (const authorization of ["Basic abc", "Bearer", "Bearer ", `Token ${token}`]) {
      const response = await me(authorization);
      expect(response.status, authorization).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    }
  });

  it("still accepts the real token after all these refusals", async () => {
    const response = await me(`Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: userId, email });
  });
});
