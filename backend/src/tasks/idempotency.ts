import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { idempotencyKeys } from "../db/schema.ts";

/** Keys are remembered this long; a retry after that is a new request. */
const KEEP = sql`interval '24 hours'`;
/** A claim still unfinished after this long was left by a crashed request and may be taken over. */
const ABANDONED = sql`interval '1 minute'`;

/** A response to keep: its body is stored as JSON and comes back parsed on a replay. */
export interface StoredResponse<T> {
  status: number;
  body: T;
}

export type IdempotentResult<T> =
  | { outcome: "fresh"; response: StoredResponse<T> }
  | { outcome: "replayed"; response: StoredResponse<T> }
  /** The same key with a different body. */
  | { outcome: "mismatch" }
  /** The first request with this key has not finished. */
  | { outcome: "running" };

export const hashRequest = (body: unknown) =>
  createHash("sha256").update(JSON.stringify(body)).digest("hex");

/**
 * Runs `run` once per (user, key). The key is claimed first, in its own statement, so concurrent
 * retries see the claim and get "running" instead of waiting. `run` and the storing of its
 * response share one transaction: if the process dies before it commits, nothing was created,
 * and the abandoned claim is taken over by a later retry.
 */
export async function idempotent<T>(
  db: Db,
  userId: string,
  key: string,
  requestHash: string,
  run: (tx: Db) => Promise<StoredResponse<T>>,
): Promise<IdempotentResult<T>> {
  const row = and(eq(idempotencyKeys.user_id, userId), eq(idempotencyKeys.key, key));
  // Forget this user's expired keys and abandoned claims, so they can be used afresh.
  await db.delete(idempotencyKeys).where(
    and(
      eq(idempotencyKeys.user_id, userId),
      sql`(${idempotencyKeys.created_at} < now() - ${KEEP}
          or (${idempotencyKeys.response_status} is null and ${idempotencyKeys.created_at} < now() - ${ABANDONED}))`,
    ),
  );
  const claimed = await db
    .insert(idempotencyKeys)
    .values({ user_id: userId, key, request_hash: requestHash })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });

  if (claimed.length === 0) {
    const [existing] = await db.select().from(idempotencyKeys).where(row);
    if (!existing) return idempotent(db, userId, key, requestHash, run); // deleted meanwhile: claim again
    if (existing.request_hash !== requestHash) return { outcome: "mismatch" };
    if (existing.response_status === null || existing.response_body === null)
      return { outcome: "running" };
    return {
      outcome: "replayed",
      response: { status: existing.response_status, body: JSON.parse(existing.response_body) as T },
    };
  }

  try {
    const response = await db.transaction(async (tx) => {
      const result = await run(tx);
      await tx
        .update(idempotencyKeys)
        .set({ response_status: result.status, response_body: JSON.stringify(result.body) })
        .where(row);
      return result;
    });
    return { outcome: "fresh", response };
  } catch (error) {
    await db.delete(idempotencyKeys).where(row); // let a retry try again
    throw error;
  }
}
