// The change log's router: HTTP only; reading and undoing are in changes.service.ts, the wake-ups
// in change-feed.ts.
import { OpenAPIHono } from "@hono/zod-openapi";
import { EVENTS, HEARTBEAT_SECONDS } from "@todo/contract/changes";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import type { Revocations } from "../auth/token-revocations.ts";
import type { Db } from "../db/client.ts";
import type { CursorCodec } from "../lib/cursor.ts";
import type { AppEnv } from "../lib/hono-env.ts";
import type { Logger } from "../lib/logger.ts";
import { ownPath } from "../lib/own-path.ts";
import { problem } from "../lib/problem.ts";
import { validationHook } from "../lib/validation.ts";
import { actorOf } from "./change-context.ts";
import type { ChangeFeed } from "./change-feed.ts";
import * as routes from "./changes.routes.ts";
import * as service from "./changes.service.ts";

/** Changes read from the log at a time, by a stream catching up. */
const BATCH = 100;
/** How often a stream checks that its credential still holds: it ends within this of a sign-out. */
const CREDENTIAL_CHECK_MS = 2000;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * After a request that changed something (any successful write), wakes the user's streams and
 * tells the other instances. It runs once the handler is done, so the change has committed.
 */
export const announceChanges = (feed: ChangeFeed) =>
  createMiddleware<AppEnv>(async (c, next) => {
    await next();
    if (!SAFE_METHODS.has(c.req.method) && c.res.status < 400) feed.changed(c.get("user").id);
  });

/** Where a stream starts: the Last-Event-ID header (EventSource sends it) wins over the query. */
const resumeFrom = (header: number | undefined, query: number | undefined) => header ?? query;

export function changesRouter(deps: {
  db: Db;
  cursors: CursorCodec;
  feed: ChangeFeed;
  revocations: Revocations;
  logger: Logger;
}) {
  const { db, cursors, feed, revocations, logger } = deps;
  // One read of the log for the streams of a user that wait at the same place (a user's tabs and
  // devices all wake for each change): a change to a user with ten open streams is one query.
  const reads = new Map<string, Promise<Awaited<ReturnType<typeof service.changesAfter>>>>();
  const readAfter = (userId: string, cursor: number) => {
    const key = `${userId} ${cursor}`;
    let read = reads.get(key);
    if (!read) {
      read = service.changesAfter(db, userId, cursor, BATCH).finally(() => reads.delete(key));
      reads.set(key, read);
    }
    return read;
  };
  const router = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  router.use("/:user_id/events", ownPath);
  router.use("/:user_id/activity", ownPath);
  router.use("/:user_id/changes/*", ownPath);
  // /:user_id/tasks/* is guarded by the tasks router, mounted at the same place.

  return router
    .openapi(routes.events, async (c) => {
      const userId = c.get("user").id;
      const session = c.get("session");
      const resume = resumeFrom(
        c.req.valid("header")["last-event-id"],
        c.req.valid("query").last_event_id,
      );
      const latest = await service.latestChangeId(db, userId);
      const known =
        resume === undefined || resume === 0 || (await service.hasChange(db, userId, resume));
      // No cursor, or one past what the log still holds: from now on.
      let cursor = resume !== undefined && known ? resume : latest;
      c.header("X-Accel-Buffering", "no"); // nginx: pass each event on at once
      const response = streamSSE(c, async (stream) => {
        let done: () => void = () => {};
        const ended = new Promise<void>((resolve) => {
          done = resolve;
        });
        stream.onAbort(() => done());
        await stream.writeSSE({
          event: resume !== undefined && !known ? EVENTS.reload : EVENTS.ready,
          id: String(cursor),
          data: JSON.stringify({ last_event_id: cursor }),
        });

        // One reader at a time; a wake-up during a read makes it read again after.
        let reading: Promise<void> | undefined;
        let again = false;
        const readLog = async () => {
          do {
            again = false;
            for (;;) {
              const batch = await readAfter(userId, cursor);
              for (const change of batch) {
                if (stream.aborted || stream.closed) return;
                await sendChange(stream, service.changeView(change));
                cursor = change.id;
              }
              if (batch.length < BATCH) break;
            }
          } while (again);
        };
        const wake = () => {
          if (reading) {
            again = true;
            return;
          }
          reading = readLog()
            .catch((error: Error) => {
              // The database is away: end the stream; the client reconnects and resumes.
              logger.warn({ err: { message: error.message }, userId }, "event stream ended");
              done();
            })
            .finally(() => {
              reading = undefined;
            });
        };
        const unsubscribe = feed.subscribe(userId, { wake, close: () => done() });
        wake();

        let lastHeartbeat = Date.now();
        const timer = setInterval(() => {
          if (Date.now() >= session.expiresAt || revocations.isRevoked(session.id, userId)) {
            return done();
          }
          if (Date.now() - lastHeartbeat >= HEARTBEAT_SECONDS * 1000) {
            lastHeartbeat = Date.now();
            void stream.write(": heartbeat\n\n");
          }
        }, CREDENTIAL_CHECK_MS);
        timer.unref();

        await ended;
        clearInterval(timer);
        unsubscribe();
        await reading;
      });
      // no-transform: a compressing proxy (the web app's server among them) would hold events back
      // to fill its buffer.
      response.headers.set("Cache-Control", "no-cache, no-transform");
      return response;
    })
    .openapi(routes.activity, async (c) => {
      const { cursor, limit } = c.req.valid("query");
      const page = await service.changePage(db, cursors, c.get("user").id, { cursor, limit });
      return page ? c.json(page, 200) : badCursor(c);
    })
    .openapi(routes.history, async (c) => {
      const { id } = c.req.valid("param");
      const { cursor, limit } = c.req.valid("query");
      const query = { taskId: id, cursor, limit };
      const page = await service.changePage(db, cursors, c.get("user").id, query);
      return page ? c.json(page, 200) : badCursor(c);
    })
    .openapi(routes.undo, async (c) => {
      const result = await service.undoChange(db, actorOf(c), c.req.valid("param").id);
      if (result.outcome === "not_found") {
        return problem(c, 404, { detail: "No such change in your log." });
      }
      if (result.outcome === "conflict") {
        const ids = result.conflicts.map((task) => task.id).join(", ");
        return problem(c, 409, {
          detail: `Not undone: tasks ${ids} changed since. Nothing was changed.`,
          conflicts: result.conflicts,
        });
      }
      return c.json(result.change, 200);
    });
}

const badCursor = (c: Context<AppEnv>) =>
  problem(c, 400, { detail: "The cursor is damaged, or was made for another list." });

/** One change event: its id is the change's, so a reconnecting client resumes right after it. */
function sendChange(stream: SSEStreamingApi, change: service.ChangeView) {
  return stream.writeSSE({
    event: EVENTS.change,
    id: String(change.id),
    data: JSON.stringify(change),
  });
}
