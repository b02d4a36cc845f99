// Who makes a change, and through which request: what the change log's trigger writes beside the
// rows (migration 0007). A statement tells the trigger through transaction-local settings, which
// it sets itself, in a WITH query: one round trip, as before the log existed.
import { type Placeholder, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import type { Db } from "../db/client.ts";
import type { AppEnv } from "../lib/hono-env.ts";

/** The user behind a change, and the request's id (X-Request-Id), for the log. */
export interface Actor {
  userId: string;
  requestId?: string;
}

/** The signed-in user of a request, and its id, as the actor of what the request changes. */
export const actorOf = (c: Context<AppEnv>): Actor => ({
  userId: c.get("user").id,
  requestId: c.get("requestId"),
});

type Value = string | Placeholder | null | undefined;

/**
 * A WITH query for a statement that changes tasks, and `actor`: the acting user's id read from it.
 * The statement must use `actor` for the owner it writes or matches (it is the same user until
 * tasks are shared): a WITH query runs only when something reads it, and a row can only change
 * once `actor` has been read, so the settings are in place whenever the trigger has a row to log.
 */
export function changeContext(db: Db, userId: Value, requestId: Value) {
  const cte = db
    .$with("change_context", { actor: sql<string>`actor` })
    .as(
      sql`select set_config('todo.actor', ${userId}, true)::uuid as actor, set_config('todo.request_id', coalesce(${requestId}, ''), true) as request_id`,
    );
  const actor: SQL<string> = sql`(select actor from change_context)`;
  return { cte, actor };
}

/**
 * Sets the context for every statement of a transaction (undo, which runs several), with the
 * change it reverses.
 */
export async function setChangeContext(tx: Db, actor: Actor, undoes?: number): Promise<void> {
  await tx.execute(
    sql`select set_config('todo.actor', ${actor.userId}, true), set_config('todo.request_id', ${actor.requestId ?? ""}, true), set_config('todo.undoes', ${undoes === undefined ? "" : String(undoes)}, true)`,
  );
}
