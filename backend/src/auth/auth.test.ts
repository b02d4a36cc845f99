import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser } from "../../test/browser.ts";
import {
  APP_ORIGIN,
  captureLogger,
  databaseKind,
  openTestDatabase,
  startTestServer,
  type TestServer,
  testConfig,
  uniqueEmail,
} from "../../test/helpers.ts";
import type { Database } from "../db/client.ts";
import { accounts, sessions, tasks, users } from "../db/schema.ts";

const PASSWORD = "a long unusual passphrase 42";

let database: Database;
let server: TestServer;
const log = captureLogger();

beforeAll(async () => {
  database = await openTestDatabase();
  server = await startTestServer(database, testConfig(), log.logger);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

const browser = () => new Browser(server.url);

async function signedUp(email = uniqueEmail(), password = PASSWORD) {
  const b = browser();
  const response = await b.signUp(email, password);
  expect(response.status).toBe(200);
  const { user } = (await response.json()) as { user: { id: string; email: string } };
  return { browser: b, user, email, password };
}

async function userIdOf(email: string) {
  const [row] = await database.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, email));
  return row?.id;
}

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
    const me = await fetch(`${server.url}/api/me`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ id: session.user.id, email });

    const stolen = b.clone(); // the cookie as it was before sign-out
    // A bare POST, as `curl -X POST` sends it: no body, no Content-Type.
    const signOut = await fetch(`${server.url}/api/auth/sign-out`, {
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
      database,
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
    const response = await fetch(`${server.url}/api/me`);
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
    const [account] = await database.db
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

describe(`sessions (${databaseKind})`, () => {
  it('"sign out everywhere" ends every session of the user, and only theirs', async () => {
    const { browser: first, email } = await signedUp();
    const second = browser();
    expect((await second.signIn(email)).status).toBe(200);
    const someoneElse = (await signedUp()).browser;

    expect((await first.post("/api/auth/revoke-sessions")).status).toBe(200);
    expect((await first.get("/api/me")).status).toBe(401);
    expect((await second.get("/api/me")).status).toBe(401);
    expect((await someoneElse.get("/api/me")).status).toBe(200);
  });

  it("never lasts more than 30 days after sign-in, however often it is extended", async () => {
    const { browser: b, user } = await signedUp();
    const [created] = await database.db
      .select({ createdAt: sessions.createdAt, expiresAt: sessions.expiresAt })
      .from(sessions)
      .where(eq(sessions.userId, user.id));
    expect(created?.expiresAt.getTime()).toBeLessThanOrEqual(
      (created?.createdAt.getTime() ?? 0) + 7 * 86_400_000 + 1000,
    );

    // Extending far into the future is capped by the database at created + 30 days.
    await database.db
      .update(sessions)
      .set({ expiresAt: sql`now() + interval '365 days'` })
      .where(eq(sessions.userId, user.id));
    const [extended] = await database.db
      .select()
      .from(sessions)
      .where(eq(sessions.userId, user.id));
    expect(extended?.expiresAt.getTime()).toBe(
      (extended?.createdAt.getTime() ?? 0) + 30 * 86_400_000,
    );

    // A session signed in 31 days ago is over, even though it was used yesterday.
    await database.db
      .update(sessions)
      .set({
        createdAt: sql`now() - interval '31 days'`,
        expiresAt: sql`now() + interval '6 days'`,
      })
      .where(eq(sessions.userId, user.id));
    expect((await b.get("/api/me")).status).toBe(401);
  });
});

describe(`cross-site requests (${databaseKind})`, () => {
  it("refuses a cookie-authenticated POST from another origin, and changes nothing", async () => {
    const { browser: b } = await signedUp();
    const evil = new Browser(server.url, "https://evil.example");
    for (const [name, value] of b.cookies) evil.cookies.set(name, value);

    const signOut = await evil.post("/api/auth/sign-out");
    expect(signOut.status).toBe(403);
    const revoke = await evil.post("/api/auth/revoke-sessions");
    expect(revoke.status).toBe(403);
    expect((await b.get("/api/me")).status).toBe(200);

    // The API's own guard: a change needs a trusted Origin or Sec-Fetch-Site: same-origin.
    const api = await evil.post("/api/me", {});
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ status: 403, title: "Forbidden" });
    const noOrigin = new Browser(server.url, "");
    for (const [name, value] of b.cookies) noOrigin.cookies.set(name, value);
    expect((await noOrigin.post("/api/me", {})).status).toBe(403);
    // Past the guard, /api/me answers GET only: 405, not 403.
    const sameOrigin = await noOrigin.post("/api/me", {}, { "Sec-Fetch-Site": "same-origin" });
    expect(sameOrigin.status).toBe(405);
    expect(sameOrigin.headers.get("allow")).toBe("GET");
    expect((await b.post("/api/me", {})).status).toBe(405);
  });
});

describe(`the web app's addresses (${databaseKind})`, () => {
  it.each(["http://127.0.0.1:3000", "http://[::1]:3000"])(
    "accepts a sign-up from %s with no configuration: every loopback address of the web app",
    async (origin) => {
      const response = await new Browser(server.url, origin).signUp(uniqueEmail("loopback"));
      expect(response.status).toBe(200);
    },
  );

  it("tells a refused page which address to open instead, from Better Auth and from the API", async () => {
    const elsewhere = new Browser(server.url, "http://192.0.2.7:3000");
    const signUp = await elsewhere.signUp(uniqueEmail("elsewhere"));
    expect(signUp.status).toBe(403);
    expect(signUp.headers.get("content-type")).toBe("application/problem+json");
    const refused =
      "This page is open at http://192.0.2.7:3000, an address this app does not accept. Open http://localhost:3000 instead.";
    expect(await signUp.json()).toEqual({
      type: "about:blank",
      title: "Forbidden",
      status: 403,
      detail: refused,
      code: "INVALID_ORIGIN",
      message: refused,
      request_id: signUp.headers.get("x-request-id"),
    });

    const { browser: b } = await signedUp();
    for (const [name, value] of b.cookies) elsewhere.cookies.set(name, value);
    const change = await elsewhere.post("/api/me", {});
    expect(change.status).toBe(403);
    expect(await change.json()).toMatchObject({
      detail:
        "This page is open at http://192.0.2.7:3000, an address this app does not accept. Open http://localhost:3000 instead.",
    });
  });
});

describe(`concurrent sign-ups (${databaseKind})`, () => {
  it("50 at once with one email in mixed letter case make exactly one user; the rest get a clear 4xx", async () => {
    const email = uniqueEmail("race");
    const variants = Array.from({ length: 50 }, (_, i) =>
      [...email].map((ch, j) => ((i >> (j % 6)) & 1 ? ch.toUpperCase() : ch)).join(""),
    );
    const responses = await Promise.all(variants.map((variant) => browser().signUp(variant)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.every((s) => s === 200 || (s >= 400 && s < 500))).toBe(true);
    const rows = await database.db.select().from(users).where(eq(users.email, email));
    expect(rows).toHaveLength(1);
  });
});

describe(`deleting the account (${databaseKind})`, () => {
  it("needs the password, then removes the user, their sessions and their tasks, and no one else's", async () => {
    const { browser: b, user, password } = await signedUp();
    const other = await signedUp();
    await database.db.insert(tasks).values([
      { user_id: user.id, title: "mine" },
      { user_id: user.id, title: "also mine" },
      { user_id: other.user.id, title: "not mine" },
    ]);
    const elsewhere = browser();
    expect((await elsewhere.signIn(user.email)).status).toBe(200);

    const wrong = await b.post("/api/auth/delete-user", { password: "not my password at all" });
    expect(wrong.status).toBe(400);
    expect(await userIdOf(user.email)).toBe(user.id);

    const deleted = await b.post("/api/auth/delete-user", { password });
    expect(deleted.status).toBe(200);
    expect(await userIdOf(user.email)).toBeUndefined();
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual(
      [],
    );
    expect(await database.db.select().from(tasks).where(eq(tasks.user_id, user.id))).toEqual([]);
    expect(await database.db.select().from(accounts).where(eq(accounts.userId, user.id))).toEqual(
      [],
    );
    expect((await elsewhere.get("/api/me")).status).toBe(401);
    const theirs = await database.db.select().from(tasks).where(eq(tasks.user_id, other.user.id));
    expect(theirs.map((t) => t.title)).toEqual(["not mine"]);
  });
});

describe(`a token outliving its account (${databaseKind})`, () => {
  it("answers 401, not 500, when the account behind an unexpired JWT was deleted", async () => {
    const { browser: b, password } = await signedUp();
    const { token } = (await (await b.get("/api/auth/token")).json()) as { token: string };
    expect((await b.post("/api/auth/delete-user", { password })).status).toBe(200);
    const create = await fetch(`${server.url}/api/me/tasks`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ title: "after deletion" }),
    });
    expect(create.status).toBe(401);
    expect(create.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    // Refused outright once this instance has read the revocation (within a second; see
    // token-revocations.test.ts); until then, there is nothing to see and nothing leaks.
    const list = await fetch(`${server.url}/api/me/tasks`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (list.status === 200) {
      expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
    } else {
      expect(list.status).toBe(401);
    }
  });
});

describe(`nothing leaks (${databaseKind})`, () => {
  it("no response carries the password, its hash or the account row", async () => {
    const { browser: b, email, password, user } = await signedUp();
    const [account] = await database.db.select().from(accounts).where(eq(accounts.userId, user.id));
    const bodies = await Promise.all(
      [
        await b.signIn(email),
        await b.get("/api/auth/get-session"),
        await b.get("/api/auth/list-sessions"),
        await b.get("/api/auth/token"),
        await b.get("/api/me"),
      ].map((r) => r.text()),
    );
    for (const body of bodies) {
      expect(body).not.toContain(password);
      expect(body).not.toContain(account?.password ?? "no hash");
      expect(body).not.toContain('"providerId"');
    }
  });

  it("logs sign-ups, sign-ins, sign-outs and refusals as one line each, without secrets", async () => {
    const email = uniqueEmail("audit");
    const b = browser();
    await b.signUp(email);
    await browser().signIn(email, "wrong password here");
    await b.signIn(email);
    const cookie = b.cookieHeader;
    await b.post("/api/auth/sign-out");
    await fetch(`${server.url}/api/me`, { headers: { Authorization: "Bearer not-a-token" } });

    const mine = log.lines.filter((line) => line.email === email);
    expect(mine.map((line) => [line.event, line.outcome])).toEqual([
      ["auth.sign_up", "success"],
      ["auth.sign_in", "failure"],
      ["auth.sign_in", "success"],
    ]);
    expect(
      log.lines.some((line) => line.event === "auth.sign_out" && line.outcome === "success"),
    ).toBe(true);
    expect(log.lines.some((line) => line.event === "auth.denied" && line.status === 401)).toBe(
      true,
    );
    const text = log.text();
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain("wrong password here");
    expect(text).not.toContain(cookie.split("=")[1]);
    expect(text).not.toContain("not-a-token");
  });
});

describe(`rate limits (${databaseKind})`, () => {
  // Servers of their own with the limits on (the other tests run with them off).
  let direct: TestServer; // no trusted proxy: X-Forwarded-For is ignored
  let proxied: TestServer; // behind a trusted proxy on loopback: X-Forwarded-For names the client
  const ACCOUNT_MAX = 12;
  const limits = {
    RATE_LIMIT_ENABLED: true,
    SIGN_IN_RATE_LIMIT_MAX: 10,
    SIGN_IN_FAILURES_MAX: 5,
    SIGN_IN_FAILURES_ACCOUNT_MAX: ACCOUNT_MAX,
  };

  beforeAll(async () => {
    direct = await startTestServer(database, testConfig(limits));
    proxied = await startTestServer(
      database,
      testConfig({ ...limits, TRUSTED_PROXY: ["loopback"] }),
    );
  });
  afterAll(async () => {
    await direct?.close();
    await proxied?.close();
  });

  const randomIp = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join(".")}`;

  it("20 wrong passwords in a row get mostly 429, with Retry-After, whatever X-Forwarded-For says", async () => {
    const email = uniqueEmail("brute");
    await signedUp(email);
    const attacker = new Browser(direct.url);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await attacker.signIn(email, `guess number ${i}`, {
        "X-Forwarded-For": randomIp(),
      });
      statuses.push(response.status);
      if (response.status === 429)
        expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(14);
  });

  /** Signs in through the trusted proxy as the client at `ip`. */
  const signInFrom = (ip: string, email: string, password: string) =>
    new Browser(proxied.url).signIn(email, password, { "X-Forwarded-For": ip });

  it("5 failures from one address lock that address out of the account, not the owner elsewhere", async () => {
    const email = uniqueEmail("lock");
    await signedUp(email);
    const attacker = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await signInFrom(attacker, email, `guess ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // The attacker's address is locked even with the right password...
    const right = await signInFrom(attacker, email, PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(800); // the 15-minute window
    expect(((await right.json()) as { detail: string }).detail).toMatch(/from your network/);
    // ...and the owner, from their own address, is not.
    expect((await signInFrom(randomIp(), email, PASSWORD)).status).toBe(200);
  });

  it("tells the user how many tries are left before the lock, the same for an unknown email", async () => {
    const email = uniqueEmail("tries");
    await signedUp(email);
    const ip = randomIp();
    const messages: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await signInFrom(ip, email, `guess ${i}`);
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const body = (await response.json()) as {
        code: string;
        message: string;
        detail: string;
        triesLeft: number;
      };
      expect(body.code).toBe("INVALID_EMAIL_OR_PASSWORD");
      expect(body.detail).toBe(body.message);
      expect(body.triesLeft).toBe(4 - i);
      messages.push(body.message);
    }
    expect(messages[0]).toBe(
      "Wrong email or password. 4 tries left before sign-in is locked for 15 minutes.",
    );
    expect(messages[3]).toMatch(/^Wrong email or password\. 1 try left before/);
    expect(messages[4]).toMatch(
      /^Wrong email or password\. Too many failed tries: sign-in is locked/,
    );
    const unknown = await signInFrom(randomIp(), uniqueEmail("nobody"), "guess 0");
    expect(((await unknown.json()) as { message: string }).message).toBe(messages[0]);
  });

  it("caps one account's failures over all addresses: past the ceiling, every address gets 429", async () => {
    const email = uniqueEmail("spread");
    await signedUp(email);
    const statuses: number[] = [];
    // Two failures each from many addresses: no address reaches its own limit.
    for (let i = 0; i < ACCOUNT_MAX + 2; i++) {
      statuses.push((await signInFrom(randomIp(), email, `guess ${i}`)).status);
    }
    expect(statuses.slice(0, ACCOUNT_MAX)).toEqual(Array(ACCOUNT_MAX).fill(401));
    expect(statuses.slice(ACCOUNT_MAX)).toEqual([429, 429]);
    const owner = await signInFrom(randomIp(), email, PASSWORD);
    expect(owner.status).toBe(429);
    expect(((await owner.json()) as { detail: string }).detail).toBe(
      "Too many failed sign-ins for this account. Try again later.",
    );
    // Other accounts are not affected.
    const { email: other } = await signedUp();
    expect((await signInFrom(randomIp(), other, PASSWORD)).status).toBe(200);
  });

  it("counts an IPv6 client by its /64: new addresses in the same prefix do not get new tries", async () => {
    const email = uniqueEmail("ipv6");
    await signedUp(email);
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:1`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await signInFrom(`${prefix}:${i}:0:0:${i + 1}`, email, `guess ${i}`)).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Another /64 is another client.
    expect((await signInFrom("2001:db8:ffff:2::1", email, PASSWORD)).status).toBe(200);
  });

  it("limits one client trying many accounts, and not the next client", async () => {
    const client = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await new Browser(proxied.url).signIn(
        uniqueEmail("spray"),
        "some password 123",
        {
          "X-Forwarded-For": client,
        },
      );
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const next = await new Browser(proxied.url).signIn(uniqueEmail("spray"), "some password 123", {
      "X-Forwarded-For": randomIp(),
    });
    expect(next.status).toBe(401);
  });
});
