// API tokens over HTTP: the tokens Better Auth issues, and the app refusing forged or odd ones.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from "jose";
import { pino } from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { Browser } from "../../test/browser.ts";
import { expectMatchesContract } from "../../test/contract.ts";
import {
  APP_ORIGIN,
  databaseKind,
  testConfig,
  uniqueEmail,
  useTestServer,
} from "../../test/helpers.ts";
import { sessions } from "../db/schema.ts";
import { createAuth } from "./auth.ts";
import { newKey, sign, tampered, unsignedToken } from "./jwt.test-helpers.ts";

const silent = pino({ level: "silent" });
const app = useTestServer();

describe(`API tokens over HTTP (${databaseKind})`, () => {
  const PASSWORD = "a long unusual passphrase 42";
  const BASE_URL = testConfig().BETTER_AUTH_URL;

  let email: string;
  let userId: string;
  let token: string;
  let jwks: JSONWebKeySet;

  /** GET /api/me with this Authorization header, its answer checked against the OpenAPI document. */
  const me = async (authorization: string) => {
    const url = `${app.server.url}/api/me`;
    const response = await fetch(url, { headers: { Authorization: authorization } });
    await expectMatchesContract("GET", url, response);
    return response;
  };

  async function expectInvalidToken(response: Response) {
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 401, title: "Unauthorized" });
  }

  beforeAll(async () => {
    email = uniqueEmail("jwt");
    const signUp = await fetch(`${app.server.url}/api/auth/sign-up/email`, {
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

    const tokenResponse = await fetch(`${app.server.url}/api/auth/token`, {
      headers: { Cookie: cookie },
    });
    expect(tokenResponse.status).toBe(200);
    token = ((await tokenResponse.json()) as { token: string }).token;

    const jwksResponse = await fetch(`${app.server.url}/api/auth/jwks`);
    expect(jwksResponse.status).toBe(200);
    jwks = (await jwksResponse.json()) as JSONWebKeySet;
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
    const [session] = await app.database.db
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
    const b = new Browser(app.server.url);
    expect((await b.signUp(uniqueEmail("ending"))).status).toBe(200);
    const { user } = (await (await b.get("/api/auth/get-session")).json()) as {
      user: { id: string };
    };
    // Signed in 30 days ago less 2 minutes: the session's absolute lifetime ends in 2 minutes,
    // however it is extended.
    const ends = new Date(Math.floor(Date.now() / 1000) * 1000 + 120_000);
    await app.database.db
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
      const auth = createAuth({ db: app.database.db, config: testConfig(), logger: silent });
      const { token: odd } = await auth.api.signJWT({
        body: { payload: { ...decodeJwt(token), ...change } },
      });
      const response = await me(`Bearer ${odd}`);
      await expectInvalidToken(response);
      expect(response.headers.get("www-authenticate")).toContain(claim);
      const list = await fetch(`${app.server.url}/api/me/tasks`, {
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
