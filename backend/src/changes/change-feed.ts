// Tells the open event streams of this process when their user's log may have grown. The log is
// the truth and each stream reads it itself; this only says when to look, so a lost signal costs
// latency, never a change:
// - a change made through this process wakes its streams at once (`changed`);
// - and reaches the other API instances in a NOTIFY sent after it committed, a few at a time;
// - a LISTEN connection hears theirs; after it reconnects, every stream looks again;
// - and a poll of the newest id per subscribed user catches what no one announced (a change from
//   outside the API, an instance killed between its commit and its NOTIFY): every 10 s, or every
//   second where no connection can LISTEN.
// NOTIFY is never sent inside the writing transaction: Postgres serialises the commits of
// notifying transactions on one lock, which would cap every write at the speed of one commit.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import type { Logger } from "../lib/logger.ts";

export const CHANGES_CHANNEL = "todo_changes";
/** Changes made here are announced to the other instances at most this often, together. */
const NOTIFY_EVERY_MS = 10;
/** Postgres refuses a NOTIFY payload of 8,000 bytes or more: user ids go in groups of this many. */
const IDS_PER_NOTIFY = 150;
export const POLL_MS = 10_000;
export const POLL_WITHOUT_LISTEN_MS = 1_000;

export interface Subscriber {
  /** The user's log may have new changes: read it. */
  wake(): void;
  /** The process is stopping: end the stream. */
  close(): void;
}

export interface ChangeFeed {
  subscribe(userId: string, subscriber: Subscriber): () => void;
  /** The user's log has a new change, committed: wake the streams, here and elsewhere. */
  changed(userId: string): void;
  /** Open streams, for the tests and the benchmarks. */
  readonly size: number;
  /** Ends every stream and stops listening and polling. */
  stop(): Promise<void>;
}

export function startChangeFeed(
  database: Database,
  options: { logger: Logger; pollMs?: number },
): ChangeFeed {
  const { db } = database;
  const { logger } = options;
  const subscribers = new Map<string, Set<Subscriber>>();
  const wakeUser = (userId: string) => {
    for (const subscriber of subscribers.get(userId) ?? []) subscriber.wake();
  };
  const wakeAll = () => {
    for (const userId of subscribers.keys()) wakeUser(userId);
  };
  let stopped = false;

  // ---- To the other instances (none share an embedded database) ----
  const instance = randomUUID().slice(0, 8);
  const announce = new Set<string>();
  let announcing: NodeJS.Timeout | undefined;
  const sendAnnouncements = async () => {
    announcing = undefined;
    const userIds = [...announce];
    announce.clear();
    for (let i = 0; i < userIds.length; i += IDS_PER_NOTIFY) {
      const payload = `${instance} ${userIds.slice(i, i + IDS_PER_NOTIFY).join(",")}`;
      await db
        .execute(sql`select pg_notify(${CHANGES_CHANNEL}, ${payload})`)
        .catch((error: Error) =>
          logger.warn({ err: { message: error.message } }, "change notification not sent"),
        );
    }
  };
  const others = database.driver !== "pglite";

  // ---- From the other instances ----
  const stopListening = others
    ? database.listen?.(CHANGES_CHANNEL, {
        onMessage(payload) {
          const [from, userIds = ""] = payload.split(" ");
          if (from === instance) return;
          for (const userId of userIds.split(",")) wakeUser(userId);
        },
        onConnected: wakeAll,
        onError: (error) =>
          logger.warn({ err: { message: error.message } }, "change listener lost its connection"),
      })
    : undefined;

  // ---- The poll ----
  const latest = new Map<string, number>();
  let polling: Promise<void> | undefined;
  const poll = async () => {
    const userIds = [...subscribers.keys()];
    if (userIds.length === 0) return;
    const { rows } = await db.execute<{ user_id: string; latest: string | null }>(sql`
      select u.id as user_id,
        (select c.id from changes c where c.user_id = u.id order by c.id desc limit 1) as latest
      from unnest(${sql.param(userIds)}::uuid[]) as u(id)`);
    for (const row of rows) {
      const id = Number(row.latest ?? 0);
      if (latest.has(row.user_id) && latest.get(row.user_id) !== id) wakeUser(row.user_id);
      latest.set(row.user_id, id);
    }
  };
  const listening = others ? stopListening !== undefined : true;
  const pollMs = options.pollMs ?? (listening ? POLL_MS : POLL_WITHOUT_LISTEN_MS);
  const timer = setInterval(() => {
    if (polling) return;
    polling = poll()
      .catch((error: Error) =>
        logger.warn({ err: { message: error.message } }, "change log poll failed"),
      )
      .finally(() => {
        polling = undefined;
      });
  }, pollMs);
  timer.unref();

  return {
    subscribe(userId, subscriber) {
      let forUser = subscribers.get(userId);
      if (!forUser) {
        forUser = new Set();
        subscribers.set(userId, forUser);
      }
      forUser.add(subscriber);
      return () => {
        forUser.delete(subscriber);
        if (forUser.size === 0 && subscribers.get(userId) === forUser) {
          subscribers.delete(userId);
          latest.delete(userId);
        }
      };
    },
    changed(userId) {
      wakeUser(userId);
      if (!others || stopped) return;
      announce.add(userId);
      announcing ??= setTimeout(() => void sendAnnouncements(), NOTIFY_EVERY_MS);
    },
    get size() {
      let count = 0;
      for (const forUser of subscribers.values()) count += forUser.size;
      return count;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(announcing);
      const announced = announce.size > 0 ? sendAnnouncements() : undefined;
      for (const forUser of subscribers.values())
        for (const subscriber of forUser) subscriber.close();
      subscribers.clear();
      await Promise.all([announced, polling, stopListening?.()]);
    },
  };
}
