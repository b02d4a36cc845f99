// Accounts over HTTP: concurrent sign-ups, deleting an account, a token outliving it, and nothing
// about an account leaking into responses or the log.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  captureLogger,
  databaseKind,
  testConfig,
  uniqueEmail,
  useTestServer,
} from "../../test/helpers.ts";
import { accounts, sessions, tasks, users } from "../db/schema.ts";
import { accountsOn, PASSWORD } from "./auth.test-helpers.ts";

const log = captureLogger();
const app = useTestServer(testConfig(), log.logger);
const { browser, signedUp, userIdOf } = accountsOn(app);

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
    const rows = await app.database.db.select().from(users).where(eq(users.email, email));
    expect(rows).toHaveLength(1);
  });
});

describe(`deleting the account (${databaseKind})`, () => {
  it("needs the password, then removes the user, their sessions and their tasks, and no one else's", async () => {
    const { browser: b, user, password } = await signedUp();
    const other = await signedUp();
    await app.database.db.insert(tasks).values([
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
    expect(
      await app.database.db.select().from(sessions).where(eq(sessions.userId, user.id)),
    ).toEqual([]);
    expect(await app.database.db.select().from(tasks).where(eq(tasks.user_id, user.id))).toEqual(
      [],
    );
    expect(
      await app.database.db.select().from(accounts).where(eq(accounts.userId, user.id)),
    ).toEqual([]);
    expect((await elsewhere.get("/api/me")).status).toBe(401);
    const theirs = await app.database.db
      .select()
      .from(tasks)
      .where(eq(tasks.user_id, other.user.id));
    expect(theirs.map((t) => t.title)).toEqual(["not mine"]);
  });
});

describe(`a token outliving its account (${databaseKind})`, () => {
  it("answers 401, not 500, when the account behind an unexpired JWT was deleted", async () => {
    const { browser: b, password } = await signedUp();
    const { token } = (await (await b.get("/api/auth/token")).json()) as { token: string };
    expect((await b.post("/api/auth/delete-user", { password })).status).toBe(200);
    const create = await fetch(`${app.server.url}/api/me/tasks`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ title: "after deletion" }),
    });
    expect(create.status).toBe(401);
    expect(create.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    // Refused outright once this instance has read the revocation (within a second; see
    // token-revocations.test.ts); until then, there is nothing to see and nothing leaks.
    const list = await fetch(`${app.server.url}/api/me/tasks`, {
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
    const [account] = await app.database.db
      .select()
      .from(accounts)
      .where(eq(accounts.userId, user.id));
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
    await fetch(`${app.server.url}/api/me`, { headers: { Authorization: "Bearer not-a-token" } });

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
