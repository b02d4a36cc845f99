// JWTs end with their session: two API instances over one database (two apps over one PGlite, or
// two pools on Postgres), real Better Auth, real HTTP. A session ended through instance A must get
// its tokens refused by instance B within 5 seconds, without a query per request.
import { eq, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Browser } from "../../test/browser.ts";
import {
  captureLogger,
  databaseKind,
  openTestDatabase,
  postgres,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from "../../test/helpers.ts";
import type { Database } from "../db/client.ts";
import { sessions, tokenRevocations, users } from "../db/schema.ts";
import { JWT_LIFETIME_SECONDS } from "./auth.ts";
import { POLL_INTERVAL_MS, STALE_AFTER_MS, startTokenRevocations } from "./token-revocations.ts";

const PASSWORD = "a long unusual passphrase 42";
/** What the issue allows: a revoked token refused on every instance within this. */
const REVOCATION_DEADLINE_MS = 5000;

let databaseA: Database;
let databaseB: Database;
let a: TestServer;
let b: TestServer;
/** How long each revocation took to reach instance B, for the report. */
const latencies: Record<string, number> = {};

beforeAll(async () => {
  databaseA = await openTestDatabase();
  // PGlite is one process' database: the second instance shares it. On Postgres, a pool of its own.
  databaseB = postgres ? await openTestDatabase() : databaseA;
  a = await startTestServer(databaseA);
  b = await startTestServer(databaseB);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await databaseA?.close();
  if (databaseB !== databaseA) await databaseB?.close();
  if (Object.keys(latencies).length > 0) {
    console.log(`revocation reached the other instance after (ms, ${databaseKind}):`, latencies);
  }
});

async function signedUp() {
  const browser = new Browser(a.url);
  const email = uniqueEmail("revoke");
  const response = await browser.signUp(email);
  expect(response.status).toBe(200);
  const { user } = (await response.json()) as { user: { id: string } };
  return { browser, email, userId: user.id };
}

async function tokenOf(browser: Browser): Promise<string> {
  const response = await browser.get("/api/auth/token");
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

const me = (server: TestServer, token: string) =>
  fetch(`${server.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } });

const refusedByB = (token: string, label: string) => refusedBy(b, token, label);

/** Asks `server` every 50 ms until it refuses `token`; answers how long that took (ms). */
async function refusedBy(server: TestServer, token: string, label?: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    const response = await me(server, token);
    if (response.status === 401) {
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const ms = Date.now() - started;
      if (label) latencies[label] = ms;
      return ms;
    }
    expect(response.status).toBe(200);
    if (Date.now() - started > REVOCATION_DEADLINE_MS + 2000) {
      throw new Error(`${server.url} still accepts the token after ${Date.now() - started} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe(`a JWT ends with its session, on every instance (${databaseKind})`, () => {
  it("sign-out through A: B refuses that session's token within 5 s, and still accepts another session's", async () => {
    const { browser, email } = await signedUp();
    const elsewhere = new Browser(a.url);
    expect((await elsewhere.signIn(email)).status).toBe(200);
    const token = await tokenOf(browser);
    const otherToken = await tokenOf(elsewhere);
    expect((await me(b, token)).status).toBe(200); // B has verified and cached it

    expect((await browser.post("/api/auth/sign-out")).status).toBe(200);
    expect(await refusedByB(token, "sign-out")).toBeLessThan(REVOCATION_DEADLINE_MS);
    expect(await refusedBy(a, token)).toBeLessThan(REVOCATION_DEADLINE_MS);
    expect((await me(b, otherToken)).status).toBe(200);
  });

  it("sign out everywhere through A: B refuses every session's token, reads and writes", async () => {
    const { browser, email } = await signedUp();
    const elsewhere = new Browser(a.url);
    expect((await elsewhere.signIn(email)).status).toBe(200);
    const tokens = [await tokenOf(browser), await tokenOf(elsewhere)];
    for (const token of tokens) expect((await me(b, token)).status).toBe(200);

    expect((await browser.post("/api/auth/revoke-sessions")).status).toBe(200);
    expect(await refusedByB(tokens[0] as string, "revoke-sessions")).toBeLessThan(
      REVOCATION_DEADLINE_MS,
    );
    const write = await fetch(`${b.url}/api/me/tasks`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tokens[1]}`, "Content-Type": "application/json" },
      body: JSON.stringify({ title: "after signing out everywhere" }),
    });
    expect(write.status).toBe(401);
  });

  it("a password change through A: B refuses the tokens of every earlier session; a new token works", async () => {
    const { browser, email } = await signedUp();
    const elsewhere = new Browser(a.url);
    expect((await elsewhere.signIn(email)).status).toBe(200);
    const before = [await tokenOf(browser), await tokenOf(elsewhere)];

    const changed = await browser.post("/api/auth/change-password", {
      currentPassword: PASSWORD,
      newPassword: "a different unusual passphrase 7",
    });
    expect(changed.status).toBe(200);
    expect(await refusedByB(before[1] as string, "change-password")).toBeLessThan(
      REVOCATION_DEADLINE_MS,
    );
    // Better Auth replaces this browser's session too (revokeOtherSessions deletes them all).
    expect((await me(b, before[0] as string)).status).toBe(401);
    expect((await me(b, await tokenOf(browser))).status).toBe(200);
  });

  it("account deletion through A: B answers 401 to the token at once for reads and writes", async () => {
    const { browser } = await signedUp();
    const token = await tokenOf(browser);
    expect((await me(b, token)).status).toBe(200);

    expect((await browser.post("/api/auth/delete-user", { password: PASSWORD })).status).toBe(200);
    expect(await refusedByB(token, "delete-user")).toBeLessThan(REVOCATION_DEADLINE_MS);
    for (const path of ["/api/me", "/api/me/tasks", "/api/me/tasks/stats"]) {
      const response = await fetch(`${b.url}${path}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(response.status, path).toBe(401);
    }
  });

  it("account deletion revokes the user as a whole, not only the sessions it had", async () => {
    const { userId } = await signedUp();
    await databaseA.db.delete(users).where(eq(users.id, userId));
    const rows = await databaseA.db
      .select({ sessionId: tokenRevocations.sessionId })
      .from(tokenRevocations)
      .where(eq(tokenRevocations.userId, userId));
    expect(rows).toContainEqual({ sessionId: null });
    expect(rows.filter((row) => row.sessionId !== null)).toHaveLength(1); // the sign-up's session
  });

  it("an expired session, removed when its cookie comes back, takes its tokens with it", async () => {
    const { browser, userId } = await signedUp();
    const token = await tokenOf(browser);
    expect((await me(b, token)).status).toBe(200);
    await databaseA.db
      .update(sessions)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(sessions.userId, userId));
    expect(await (await browser.get("/api/auth/get-session")).json()).toBeNull();
    expect(await refusedByB(token, "expiry clean-up")).toBeLessThan(REVOCATION_DEADLINE_MS);
  });
});

describe(`reading the revocations (${databaseKind})`, () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("costs one query a second per instance, and none per request", async () => {
    const { browser } = await signedUp();
    const token = await tokenOf(browser);
    const counted = countingDatabase(databaseB);
    const c = await startTestServer(counted.database);
    try {
      expect((await me(c, token)).status).toBe(200);
      const before = counted.queries();
      const started = Date.now();
      for (let i = 0; i < 300; i++) expect((await me(c, token)).status).toBe(200);
      const seconds = (Date.now() - started) / 1000;
      const queries = counted.queries() - before;
      // The poll's reads in that time (and at most one clean-up), whatever the number of requests.
      expect(queries).toBeLessThanOrEqual(Math.ceil(seconds / (POLL_INTERVAL_MS / 1000)) + 2);
      expect(queries).toBeLessThan(30);
    } finally {
      await c.close();
    }
  });

  it("deletes rows older than a token's lifetime, and keeps recent ones", async () => {
    const { userId } = await signedUp();
    const [old, recent] = [crypto.randomUUID(), crypto.randomUUID()];
    await databaseA.db.insert(tokenRevocations).values([
      {
        sessionId: old,
        userId,
        revokedAt: sql`now() - make_interval(secs => ${JWT_LIFETIME_SECONDS + 120})`,
      },
      { sessionId: recent, userId },
    ]);
    const revocations = startTokenRevocations(databaseA.db, {
      tokenLifetimeSeconds: JWT_LIFETIME_SECONDS,
      logger: captureLogger().logger,
    });
    try {
      await revocations.poll();
      const left = await databaseA.db
        .select({ sessionId: tokenRevocations.sessionId })
        .from(tokenRevocations)
        .where(eq(tokenRevocations.userId, userId));
      expect(left).toEqual([{ sessionId: recent }]);
      expect(revocations.isRevoked(recent, crypto.randomUUID())).toBe(true);
    } finally {
      await revocations.stop();
    }
  });

  it("refuses to vouch for tokens when it cannot read the database, and says so once", async () => {
    const own = await openTestDatabase();
    const log = captureLogger();
    const revocations = startTokenRevocations(own.db, {
      tokenLifetimeSeconds: JWT_LIFETIME_SECONDS,
      logger: log.logger,
    });
    try {
      await revocations.poll();
      expect(revocations.ready()).toBeUndefined(); // fresh: no waiting, no query
      await own.close();
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + STALE_AFTER_MS + 1);
      await expect(revocations.ready()).rejects.toThrow();
      await expect(revocations.ready()).rejects.toThrow();
      const warnings = log.lines.filter((line) => line.level === 40);
      expect(warnings).toHaveLength(1);
    } finally {
      await revocations.stop();
      await own.close();
    }
  });

  it.skipIf(!postgres)(
    "misses no revocation whose transaction commits after a later one (commit order is not row order)",
    async () => {
      const late = await signedUp();
      const early = await signedUp();
      const lateToken = await tokenOf(late.browser);
      const earlyToken = await tokenOf(early.browser);
      expect((await me(b, lateToken)).status).toBe(200);
      expect((await me(b, earlyToken)).status).toBe(200);

      // The first transaction deletes its session (its revocation row is written, not committed);
      // a second one deletes another session and commits; B reads; only then the first commits.
      const slow = new pg.Client({ connectionString: postgres?.runUrl });
      await slow.connect();
      try {
        await slow.query("begin");
        await slow.query("delete from session where user_id = $1", [late.userId]);
        await databaseA.db.delete(sessions).where(eq(sessions.userId, early.userId));
        await refusedByB(earlyToken, "out-of-order: committed first");
        // B has read past the second transaction's row; the first is still open.
        await new Promise((resolve) => setTimeout(resolve, 2 * POLL_INTERVAL_MS));
        expect((await me(b, lateToken)).status).toBe(200);
        await slow.query("commit");
      } finally {
        await slow.end();
      }
      expect(await refusedByB(lateToken, "out-of-order: committed last")).toBeLessThan(
        REVOCATION_DEADLINE_MS,
      );
    },
  );
});

/** The same database, with every query it starts counted (every Drizzle entry point). */
function countingDatabase(database: Database) {
  const entryPoints = new Set(["execute", "select", "insert", "update", "delete", "transaction"]);
  let count = 0;
  const db = new Proxy(database.db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== "string" || !entryPoints.has(property)) return value;
      return (...args: unknown[]) => {
        count++;
        return (value as (...a: unknown[]) => unknown).apply(receiver, args);
      };
    },
  });
  return { database: { ...database, db }, queries: () => count };
}
