// The change log's part of the contract (decision 021): what a change is, as the event stream
// (GET /api/me/events), a task's history, the activity list and undo all give it.
import { z } from "./zod.ts";

/** What the statement behind a change did to its tasks. */
export const CHANGE_KINDS = ["create", "update", "delete"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/**
 * A change id, as a path, query or header parameter gives it: digits (15 at most, more than any
 * log reaches), read as a number. A string with a pattern, so the OpenAPI document says exactly
 * what is accepted (a coerced number is documented as also taking null).
 */
export const changeIdSchema = z
  .string()
  .regex(/^\d{1,15}$/, "must be a change id (digits)")
  .transform(Number);

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
