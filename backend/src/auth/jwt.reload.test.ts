// The JWT verifier reloading the keys for a key it does not know: once, and at most once a second.
import { describe, expect, it } from "vitest";
import {
  claims,
  countingVerifier,
  EMAIL,
  jwksOf,
  newKey,
  nowSeconds,
  refusal,
  sign,
  USER_ID,
  untilSecondAfter,
} from "./jwt.test-helpers.ts";
import { InvalidTokenError } from "./jwt.ts";

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
    expect((await verifier.verifyToken(await sign(fresh))).user).toEqual({
      id: USER_ID,
      email: EMAIL,
    });
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
    expect((await verifier.verifyToken(token)).user).toEqual({ id: USER_ID, email: EMAIL });
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
