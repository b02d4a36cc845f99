// Signing up and in over HTTP with Better Auth: the whole flow, and passwords.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { Browser } from "../../test/browser.ts";
import {
  APP_ORIGIN,
  databaseKind,
  startTestServer,
  testConfig,
  uniqueEmail,
  useTestServer,
} from "../../test/helpers.ts";
import { accounts, users } from "../db/schema.ts";
import { accountsOn, PASSWORD } from "./auth.test-helpers.ts";

const app = useTestServer();
const { browser, signedUp, userIdOf } = accountsOn(app);

describe(`the whole flow (${databaseKind})`, () => {
  it("sign-up → cookie → session → token → bearer call → sign-out → the old cookie is refused", async () => {
    const b = browser();
    const email = uniqueEmail("flow");
    const signUp = await b.signUp(email);
    expect(signUp.status).toBe(200);
    const cookie = signUp.headers
      .getSetCookie()
      .find((c) => c.startsWith("better-auth.session_token="));
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).not.toMatch(/; Secure/i); // plain http in tests; Secure when BETTER_AUTH_URL is https
    expect(cookie).toMatch(/Max-Age=604800/); // 7 days of idle time

    const session = (await (await b.get("/api/auth/get-session")).json()) as {
      user: { id: string; email: string };
    };
    expect(session.user.email).toBe(email);

    const { token } = (await (await b.get("/api/auth/token")).json()) as { token: string };
    const me = await fetch(`${app.server.url}/api/me`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ id: session.user.id, email });

    const stolen = b.clone(); // the cookie as it was before sign-out
    // A bare POST, as `curl -X POST` sends it: no body, no Content-Type.
    const signOut = await fetch(`${app.server.url}/api/auth/sign-out`, {
      method: "POST",
      headers: { Origin: APP_ORIGIN, Cookie: b.cookieHeader },
    });
    expect(signOut.status).toBe(200);
    const after = await stolen.get("/api/me");
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toBe("Bearer");
    expect(after.headers.get("content-type")).toBe("application/problem+json");
    expect(await (await stolen.get("/api/auth/get-session")).json()).toBeNull();
  });

  it("trims and lower-cases the email, and names the user after it when no name is given", async () => {
    const email = uniqueEmail("Mixed.Case");
    const b = browser();
    const response = await b.signUp(`  ${email.toUpperCase()} `);
    expect(response.status).toBe(200);
    const { user } = (await response.json()) as { user: { email: string; name: string } };
    expect(user.email).toBe(email.toLowerCase());
    expect(user.name).toBe(email.toLowerCase().split("@")[0]);
    // Signing in with any letter case and spacing finds the same account.
    expect((await browser().signIn(` ${email.toUpperCase()}`)).status).toBe(200);
  });

  it("keeps a given name", async () => {
    const response = await browser().signUp(uniqueEmail(), PASSWORD, "  Ada Lovelace ");
    expect(((await response.json()) as { user: { name: string } }).user.name).toBe("Ada Lovelace");
  });

  it("marks the session cookie Secure when the API is served over https", async () => {
    const https = await startTestServer(
      app.database,
      testConfig({ BETTER_AUTH_URL: "https://todo.example.com" }),
    );
    try {
      const response = await new Browser(https.url).signUp(uniqueEmail());
      expect(response.status).toBe(200);
      const cookie = response.headers.getSetCookie().find((c) => c.includes("session_token="));
      expect(cookie).toMatch(/^__Secure-better-auth\.session_token=/);
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/; HttpOnly/i);
    } finally {
      await https.close();
    }
  });

  it("answers Better Auth's errors as problem+json too: a route it does not have is a 404", async () => {
    const response = await browser().get("/api/auth/no-such-endpoint");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toEqual({
      type: "about:blank",
      title: "Not Found",
      status: 404,
      detail: "No route for GET /api/auth/no-such-endpoint.",
      request_id: response.headers.get("x-request-id"),
    });
  });

  it("answers 401 with a challenge to a request with no credentials", async () => {
    const response = await fetch(`${app.server.url}/api/me`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect(await response.json()).toMatchObject({ status: 401, title: "Unauthorized" });
  });
});

describe(`passwords (${databaseKind})`, () => {
  it.each([
    ["7 characters", "Zx9#kQ2", 400, "PASSWORD_TOO_SHORT"],
    ["129 characters", `${"Zx9#kQ2v".repeat(16)}y`, 400, "PASSWORD_TOO_LONG"],
    ["a common password", "password1", 400, "PASSWORD_TOO_COMMON"],
    ["a common password in other letter case", "SuperMan1", 400, "PASSWORD_TOO_COMMON"],
  ])("refuses %s with a message that says why", async (_, password, status, code) => {
    const email = uniqueEmail();
    const response = await browser().signUp(email, password);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = (await response.json()) as { code: string; message: string; detail: string };
    expect(body.code).toBe(code);
    expect(body.message.length).toBeGreaterThan(10);
    expect(body.detail).toBe(body.message);
    expect(await userIdOf(email)).toBeUndefined();
  });

  it("accepts 8 characters", async () => {
    await signedUp(uniqueEmail(), "Zx9#kQ2v");
  });

  it("keeps all 128 characters: the exact password signs in, one character less or changed does not", async () => {
    const password = Array.from({ length: 128 }, (_, i) => "aB3$xY7!"[i % 8]).join("");
    const { email } = await signedUp(uniqueEmail(), password);
    expect((await browser().signIn(email, password)).status).toBe(200);
    expect((await browser().signIn(email, password.slice(0, 127))).status).toBe(401);
    expect((await browser().signIn(email, `${password.slice(0, 127)}?`)).status).toBe(401);
    expect((await browser().signIn(email, password.slice(0, 72))).status).toBe(401); // no bcrypt-style cut
  });

  it("stores an scrypt hash, never the password", async () => {
    const { email, password } = await signedUp();
    const [account] = await app.database.db
      .select({ password: accounts.password, providerId: accounts.providerId })
      .from(accounts)
      .innerJoin(users, eq(users.id, accounts.userId))
      .where(eq(users.email, email));
    expect(account?.providerId).toBe("credential");
    // Better Auth's scrypt format: 16-byte salt and 64-byte key, hex.
    expect(account?.password).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/);
    expect(account?.password).not.toContain(password);
  });

  it("answers an unknown email and a wrong password identically", async () => {
    const { email } = await signedUp();
    const wrongPassword = await browser().signIn(email, "not the right password");
    const unknownEmail = await browser().signIn(uniqueEmail("nobody"), "not the right password");
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    // The same body but for the request id, each request's own.
    const withoutRequestId = async (response: Response) => {
      const { request_id, ...body } = (await response.json()) as Record<string, unknown>;
      expect(request_id).toBe(response.headers.get("x-request-id"));
      return body;
    };
    expect(await withoutRequestId(unknownEmail)).toEqual(await withoutRequestId(wrongPassword));
  });

  it("changing the password ends the other sessions, keeps this one, and refuses a common one", async () => {
    const { browser: here, email } = await signedUp();
    const elsewhere = browser();
    expect((await elsewhere.signIn(email)).status).toBe(200);

    const common = await here.post("/api/auth/change-password", {
      currentPassword: PASSWORD,
      newPassword: "football1",
    });
    expect(common.status).toBe(400);
    expect((await elsewhere.get("/api/me")).status).toBe(200);

    const changed = await here.post("/api/auth/change-password", {
      currentPassword: PASSWORD,
      newPassword: "a different unusual passphrase 7",
    });
    expect(changed.status).toBe(200);
    expect((await elsewhere.get("/api/me")).status).toBe(401);
    expect((await here.get("/api/me")).status).toBe(200);
    expect((await browser().signIn(email)).status).toBe(401);
    expect((await browser().signIn(email, "a different unusual passphrase 7")).status).toBe(200);
  });
});
