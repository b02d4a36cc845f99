import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { ANY_ADDRESS, signInFailures } from "../db/schema.ts";
import { clientNetwork } from "./client-ip.ts";

export interface SignInFailureLimit {
  /** Failures of one account from one client (address, or IPv6 /64) that lock that pair. */
  maxPerAddress: number;
  /** Failures of one account from all clients together that lock it everywhere. */
  maxPerAccount: number;
  windowSeconds: number;
}

/** A sign-in refused until the window ends: for this client only, or for everyone. */
export interface SignInLock {
  seconds: number;
  scope: "address" | "account";
}

/** What a failure leaves: tries before a lock (0: locked now), and when the count starts over. */
export interface FailureCount {
  triesLeft: number;
  /** Seconds until the window that would lock (or has locked) ends. */
  windowEndsIn: number;
}

/**
 * Counts failed sign-ins in the database, so every API instance shares the count, keyed by account
 * AND client: a guesser locks only their own address out, never the owner elsewhere. A higher
 * ceiling per account over all addresses still caps a guesser spread over many addresses (who can
 * then lock the account for everyone: the trade-off, docs/decisions/013).
 */
export function createSignInFailures(db: Db, limit: SignInFailureLimit) {
  const { maxPerAddress, maxPerAccount, windowSeconds } = limit;
  const windowStart = sql`(now() - make_interval(secs => ${windowSeconds}))`;
  const secondsLeft = sql<number>`ceil(extract(epoch from ${signInFailures.windowStartedAt} - ${windowStart}))::int`;
  const maxOf = (address: string) => (address === ANY_ADDRESS ? maxPerAccount : maxPerAddress);

  return {
    /** Whether this client may try this account now; if not, for how long and why. */
    async retryAfter(email: string, ip: string | undefined): Promise<SignInLock | undefined> {
      const rows = await db
        .select({
          address: signInFailures.address,
          failures: signInFailures.failures,
          seconds: secondsLeft,
        })
        .from(signInFailures)
        .where(
          and(
            eq(signInFailures.email, email),
            inArray(signInFailures.address, [clientNetwork(ip), ANY_ADDRESS]),
          ),
        );
      let lock: SignInLock | undefined;
      for (const row of rows) {
        if (row.failures < maxOf(row.address) || row.seconds <= 0) continue;
        if (!lock || row.seconds > lock.seconds) {
          lock = {
            seconds: row.seconds,
            scope: row.address === ANY_ADDRESS ? "account" : "address",
          };
        }
      }
      return lock;
    },

    /**
     * One more failure, for this client and for the account; a failure after a window has passed
     * starts a new one. Answers what the nearer of the two limits leaves.
     */
    async record(email: string, ip: string | undefined): Promise<FailureCount> {
      const rows = await db
        .insert(signInFailures)
        .values(
          [clientNetwork(ip), ANY_ADDRESS].map((address) => ({
            email,
            address,
            failures: 1,
            windowStartedAt: sql`now()`,
          })),
        )
        .onConflictDoUpdate({
          target: [signInFailures.email, signInFailures.address],
          set: {
            failures: sql`case when ${signInFailures.windowStartedAt} <= ${windowStart} then 1 else ${signInFailures.failures} + 1 end`,
            windowStartedAt: sql`case when ${signInFailures.windowStartedAt} <= ${windowStart} then now() else ${signInFailures.windowStartedAt} end`,
          },
        })
        .returning({
          address: signInFailures.address,
          failures: signInFailures.failures,
          seconds: secondsLeft,
        });
      const counts = rows.map((row) => ({
        triesLeft: Math.max(0, maxOf(row.address) - row.failures),
        windowEndsIn: Math.max(0, row.seconds),
      }));
      return counts.reduce((nearest, count) =>
        count.triesLeft < nearest.triesLeft ? count : nearest,
      ) as FailureCount;
    },

    /**
     * A successful sign-in forgets this client's failures. Not the account's: the owner signing
     * in now and then must not reset a distributed guesser's count.
     */
    async clear(email: string, ip: string | undefined): Promise<void> {
      await db
        .delete(signInFailures)
        .where(and(eq(signInFailures.email, email), eq(signInFailures.address, clientNetwork(ip))));
    },
  };
}

export type SignInFailures = ReturnType<typeof createSignInFailures>;
