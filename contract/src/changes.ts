// The change log's part of the contract (decision 021): what a change is, as the event stream
// (GET /api/me/events), a task's history, the activity list and undo all give it.
import { z } from "./zod.ts";

/** What the statement behind a change did to its tasks. */
export const CHANGE_KINDS = ["create", "update", "delete"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** A change id: the log's ids are Postgres bigints, handed out below 2^53. */
export const changeIdSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** The named events of GET /api/me/events. */
export const EVENTS = {
  /** First on every stream: its `id:` is where the stream starts (the last change already seen). */
  ready: "ready",
  /** One change, its id in `id:`. */
  change: "change",
  /** The changes after the client's Last-Event-ID are gone from the log: reload, then reconnect. */
  reload: "reload",
} as const;

/** How often the stream sends a comment line when nothing happens, so proxies keep it open. */
export const HEARTBEAT_SECONDS = 15;

/**
 * A change as the API gives it, for any schema of a task: `before` and `after` hold the tasks it
 * touched, in `task_ids` order (`before` is null for a create, `after` for a delete).
 */
export function changeSchema<Task extends z.ZodType>(task: Task) {
  return z.object({
    id: z.number().int(),
    kind: z.enum(CHANGE_KINDS),
    task_ids: z.array(z.number().int()),
    before: z.array(task).nullable(),
    after: z.array(task).nullable(),
    actor_id: z.uuid().nullable().meta({ description: "Who made the change (null: the system)." }),
    request_id: z
      .string()
      .nullable()
      .meta({ description: "The X-Request-Id of the request that made it." }),
    undoes: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The change this one reversed, when it is an undo (or a redo)." }),
    created_at: z.iso.datetime({ offset: true }),
  });
}
