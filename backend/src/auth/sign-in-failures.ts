import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { signInFailures } from "../db/schema.ts";

export interface SignInFailureLimit {
  max: number;
  windowSeconds: number;
}

/**
 * Counts failed sign-ins per account in the database, so every API instance shares the count.
 * It caps guessing one account's password however many addresses the guesses come from.
 */
export function createSignInFailures(db: Db, { max, windowSeconds }: SignInFailureLimit) {
  const windowStart = sql`(now() - make_interval(secs => ${windowSeconds}))`;
  return {
    /** Seconds until this account may try again, or 0 when it may try now. */
    async retryAfter(email: string): Promise<number> {
      const [row] = await db
        .select({
          failures: signInFailures.failures,
          seconds: sql<number>`ceil(extract(epoch from ${signInFailures.windowStartedAt} - ${windowStart}))::int`,
        })
        .from(signInFailures)
        .where(eq(signInFailures.email, email));
      return row && row.failures >= max && row.seconds > 0 ? row.seconds : 0;
    },

    /** One more failure; a failure after the window has passed starts a new window. */
    async record(email: string): Promise<void> {
      await db
        .insert(signInFailures)
        .values({ email, failures: 1, windowStartedAt: sql`now()` })
        .onConflictDoUpdate({
          target: signInFailures.email,
          set: {
            failures: sql`case when ${signInFailures.windowStartedAt} <= ${windowStart} then 1 else ${signInFailures.failures} + 1 end`,
            windowStartedAt: sql`case when ${signInFailures.windowStartedAt} <= ${windowStart} then now() else ${signInFailures.windowStartedAt} end`,
          },
        });
    },

    /** A successful sign-in forgets the failures. */
    async clear(email: string): Promise<void> {
      await db.delete(signInFailures).where(eq(signInFailures.email, email));
    },
  };
}

export type SignInFailures = ReturnType<typeof createSignInFailures>;
