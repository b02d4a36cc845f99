import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { tokenRevocations } from "../db/schema.ts";
import type { Logger } from "../lib/logger.ts";

/** What the JWT verifier needs to know about ended sessions and deleted users. */
export interface Revocations {
  /**
   * Nothing when every revocation committed more than STALE_AFTER_MS ago is known here; otherwise
   * a promise that settles once they are (it rejects with the database's error if it cannot tell).
   */
  ready(): Promise<void> | undefined;
  /** Whether tokens of this session, or of this user, must be refused. */
  isRevoked(sessionId: string, userId: string): boolean;
}

export interface TokenRevocations extends Revocations {
  /** Reads the rows committed since the last read (the timer calls it every POLL_INTERVAL_MS). */
  poll(): Promise<void>;
  /** Stops polling and waits for a read under way, so the database can be closed after it. */
  stop(): Promise<void>;
}

/** How often each instance reads new revocations: a revoked token is refused about this soon. */
export const POLL_INTERVAL_MS = 1000;
/**
 * Past this since the last successful read, a token is not accepted until a read succeeds (a
 * database that cannot be read gives 503): a revoked token is never accepted longer than this.
 */
export const STALE_AFTER_MS = 5000;
/** Rows past a JWT's lifetime concern no valid token; each instance deletes them this often. */
const CLEAN_UP_INTERVAL_MS = 60_000;
/** Room for the database's clock against ours when judging a row old enough to delete. */
const CLOCK_SKEW_MS = 60_000;

interface PollRow extends Record<string, unknown> {
  horizon: string;
  session_id: string | null;
  user_id: string | null;
}

/**
 * Keeps, in memory, the sessions and users whose JWTs must be refused, read from
 * `token_revocations` once a second: one small indexed query per instance and second, none per
 * request.
 *
 * The cursor is a transaction id, not a row number: rows become visible in commit order, which is
 * not the order their ids were handed out, so "rows after the last one seen" could skip a row whose
 * transaction committed late. Each read also returns its snapshot's xmin (every transaction older
 * than it has finished, so its rows were in this read); the next read asks for rows from that
 * transaction id on. A row is then read once or a few times, never missed.
 *
 * An entry is kept for a JWT's lifetime after it was read: every token of that session or user
 * was issued before the revocation, so it has expired by then.
 */
export function startTokenRevocations(
  db: Db,
  options: { tokenLifetimeSeconds: number; logger: Logger; intervalMs?: number },
): TokenRevocations {
  const lifetimeMs = options.tokenLifetimeSeconds * 1000;
  const intervalMs = options.intervalMs ?? POLL_INTERVAL_MS;
  const sessions = new Map<string, number>(); // session id -> forget after (ms)
  const users = new Map<string, number>(); // user id -> forget after (ms)
  let horizon = 0n; // read rows from this transaction id on
  let syncedAt = Number.NEGATIVE_INFINITY; // when the last successful read started
  let cleanedAt = Number.NEGATIVE_INFINITY;
  let failing = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let reading: Promise<void> | undefined;

  async function read(): Promise<void> {
    const started = Date.now();
    const { rows } = await db.execute<PollRow>(sql`
      select s.horizon, r.session_id, r.user_id
      from (select pg_snapshot_xmin(pg_current_snapshot())::text as horizon) s
      left join ${tokenRevocations} r on r.xid >= ${horizon.toString()}::xid8`);
    const forgetAt = Date.now() + lifetimeMs;
    for (const row of rows) {
      if (row.session_id) sessions.set(row.session_id, forgetAt);
      else if (row.user_id) users.set(row.user_id, forgetAt);
    }
    const next = BigInt(rows[0]?.horizon ?? 0);
    if (next > horizon) horizon = next;
    syncedAt = started;
    for (const map of [sessions, users]) {
      for (const [id, until] of map) if (until <= started) map.delete(id);
    }
    if (started - cleanedAt >= CLEAN_UP_INTERVAL_MS) {
      cleanedAt = started;
      const keepMs = lifetimeMs + CLOCK_SKEW_MS;
      await db.execute(sql`
        delete from ${tokenRevocations}
        where ${tokenRevocations.revokedAt} < now() - make_interval(secs => ${keepMs / 1000})`);
    }
  }

  /** One read at a time: a caller arriving during a read shares it. */
  function poll(): Promise<void> {
    reading ??= read()
      .then(
        () => {
          if (failing) options.logger.info("token revocations: reading again");
          failing = false;
        },
        (error: unknown) => {
          // Once per outage, not once a second.
          if (!failing) {
            options.logger.warn(
              { err: { message: (error as Error).message } },
              "token revocations: cannot read; bearer tokens wait for the database",
            );
          }
          failing = true;
          throw error;
        },
      )
      .finally(() => {
        reading = undefined;
      });
    return reading;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      poll()
        .catch(() => {}) // logged above; requests see it through ready()
        .finally(schedule);
    }, intervalMs);
    timer.unref(); // never what keeps the process alive
  }

  poll().catch(() => {});
  schedule();

  return {
    ready() {
      if (Date.now() - syncedAt <= STALE_AFTER_MS) return undefined;
      return poll();
    },
    isRevoked(sessionId, userId) {
      // A map may still hold an entry past its time until the next read; that only refuses a
      // token that has expired anyway.
      return sessions.has(sessionId) || users.has(userId);
    },
    poll,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await reading?.catch(() => {});
    },
  };
}
