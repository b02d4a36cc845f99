// Sessions over HTTP: signing out everywhere, their lifetime, cross-site requests, and the web
// app's addresses.
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { Browser } from "../../test/browser.ts";
import { databaseKind, uniqueEmail, useTestServer } from "../../test/helpers.ts";
import { sessions } from "../db/schema.ts";
import { accountsOn } from "./auth.test-helpers.ts";

const app = useTestServer();
const { browser, signedUp } = accountsOn(app);

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
    const [created] = await app.database.db
      .select({ createdAt: sessions.createdAt, expiresAt: sessions.expiresAt })
      .from(sessions)
      .where(eq(sessions.userId, user.id));
    expect(created?.expiresAt.getTime()).toBeLessThanOrEqual(
      (created?.createdAt.getTime() ?? 0) + 7 * 86_400_000 + 1000,
    );

    // Extending far into the future is capped by the database at created + 30 days.
    await app.database.db
      .update(sessions)
      .set({ expiresAt: sql`now() + interval '365 days'` })
      .where(eq(sessions.userId, user.id));
    const [extended] = await app.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.userId, user.id));
    expect(extended?.expiresAt.getTime()).toBe(
      (extended?.createdAt.getTime() ?? 0) + 30 * 86_400_000,
    );

    // A session signed in 31 days ago is over, even though it was used yesterday.
    await app.database.db
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
    const evil = new Browser(app.server.url, "https://evil.example");
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
    const noOrigin = new Browser(app.server.url, "");
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
      const response = await new Browser(app.server.url, origin).signUp(uniqueEmail("loopback"));
      expect(response.status).toBe(200);
    },
  );

  it("tells a refused page which address to open instead, from Better Auth and from the API", async () => {
    const elsewhere = new Browser(app.server.url, "http://192.0.2.7:3000");
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
