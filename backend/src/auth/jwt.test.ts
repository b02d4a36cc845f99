// API tokens, with real keys and real signatures: the verifier on its own (the key reloads in
// jwt.reload.test.ts, the app over HTTP in jwt.http.test.ts).
import { randomUUID } from "node:crypto";
import { decodeJwt, SignJWT } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  base64url,
  claims,
  countingVerifier,
  EMAIL,
  jwksOf,
  LIFETIME,
  newKey,
  nowSeconds,
  refusal,
  SESSION_ID,
  type SigningKey,
  sign,
  tampered,
  USER_ID,
  unsignedToken,
} from "./jwt.test-helpers.ts";

describe("verifying a token", () => {
  let key: SigningKey;
  let verifier: ReturnType<typeof countingVerifier>;

  beforeAll(async () => {
    key = await newKey();
    verifier = countingVerifier(jwksOf(key));
  });

  it("accepts a valid token and answers its user's id and email", async () => {
    expect((await verifier.verifyToken(await sign(key))).user).toEqual({
      id: USER_ID,
      email: EMAIL,
    });
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
    expect((await verifier.verifyToken(skewed)).user).toEqual({ id: USER_ID, email: EMAIL });
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
    expect((await verifier.verifyToken(token)).user).toEqual({ id: USER_ID, email: EMAIL });
    verifier.revoke(SESSION_ID);
    expect(await refusal(verifier.verifyToken(token))).toBe("the token's session has ended");
    expect(await refusal(verifier.verifyToken(await sign(key)))).toBe(
      "the token's session has ended",
    );
    expect((await verifier.verifyToken(otherSession)).user).toEqual({ id: USER_ID, email: EMAIL });
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
    expect((await verifyToken(token)).user).toEqual({ id: USER_ID, email: EMAIL });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(exp * 1000 - 1);
    expect((await verifyToken(token)).user).toEqual({ id: USER_ID, email: EMAIL });
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
