// The change log's routes (decision 021): the event stream, history, activity and undo.
import { createRoute, z } from "@hono/zod-openapi";
import { changeIdSchema, changeSchema, EVENTS, HEARTBEAT_SECONDS } from "@todo/contract/changes";
import { problemSchema } from "@todo/contract/problem";
import { CURSOR_MAX, PAGE_SIZE, PAGE_SIZE_MAX, TASK_ID_MAX } from "@todo/contract/tasks";
import { commonErrors, json, problem, userParams } from "../lib/route-parts.ts";
import { Task } from "../tasks/tasks.routes.ts";

export const Change = changeSchema(Task).openapi("Change");

const ChangePage = z
  .object({
    items: z.array(Change),
    next_cursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for older changes; null at the end." }),
  })
  .openapi("ChangePage");

const pageQuery = z.object({
  cursor: z.string().max(CURSOR_MAX).optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX).default(PAGE_SIZE),
});

const badCursor = problem("The cursor is damaged or belongs to another list.");

const tags = ["changes"];

export const events = createRoute({
  operationId: "streamEvents",
  method: "get",
  path: "/{user_id}/events",
  tags,
  summary: "Stream your changes as they happen (Server-Sent Events)",
  description: [
    `A \`text/event-stream\`. It opens with a \`${EVENTS.ready}\` event whose \`id\` is where it starts, then`,
    `sends a \`${EVENTS.change}\` event for each change to your tasks, in order, with the change's id as`,
    "`id` and the change (see `Change`) as JSON data, wherever the change was made.",
    "To resume, send the last id you received as `Last-Event-ID` (browsers' EventSource does so",
    "when it reconnects) or as `last_event_id`: the stream replays exactly the changes after it.",
    `If those are no longer in the log, it sends \`${EVENTS.reload}\` (reload your data) and goes on from`,
    `now. A comment line every ${HEARTBEAT_SECONDS} s keeps proxies from closing it. It ends within 5 s`,
    "of your session or token ending.",
  ].join(" "),
  request: {
    params: userParams,
    query: z.object({
      last_event_id: changeIdSchema.optional().meta({
        description: "Resume after this change (as the Last-Event-ID header does; it wins).",
      }),
    }),
    headers: z.object({
      "last-event-id": changeIdSchema.optional(),
    }),
  },
  responses: {
    200: {
      content: { "text/event-stream": { schema: z.string() } },
      description: "The stream.",
    },
    ...commonErrors,
  },
});

export const activity = createRoute({
  operationId: "listActivity",
  method: "get",
  path: "/{user_id}/activity",
  tags,
  summary: "Your recent changes, newest first",
  request: { params: userParams, query: pageQuery },
  responses: {
    200: json(ChangePage, "One page of changes."),
    400: badCursor,
    ...commonErrors,
  },
});

export const history = createRoute({
  operationId: "getTaskHistory",
  method: "get",
  path: "/{user_id}/tasks/{id}/history",
  tags,
  summary: "A task's changes, newest first",
  description: "Each change is narrowed to this task (a bulk change lists only it).",
  request: {
    params: userParams.extend({
      id: z.coerce
        .number()
        .int()
        .min(1)
        .max(TASK_ID_MAX)
        .openapi({ param: { name: "id", in: "path" } }),
    }),
    query: pageQuery,
  },
  responses: {
    200: json(ChangePage, "One page of the task's changes."),
    400: badCursor,
    ...commonErrors,
  },
});

const UndoConflict = problemSchema
  .extend({
    conflicts: z.array(
      z.object({
        id: z.number().int(),
        expected_version: z
          .number()
          .int()
          .nullable()
          .openapi({ description: "The version the change left (null: it deleted the task)." }),
        // The task now (null: it is gone).
        // (a union, not .nullable(): that makes allOf [Task, null], which nothing matches)
        current: z.union([Task, z.null()]),
      }),
    ),
  })
  .openapi("UndoConflict");

export const undo = createRoute({
  operationId: "undoChange",
  method: "post",
  path: "/{user_id}/changes/{id}/undo",
  tags,
  summary: "Undo a change (undo an undo to redo)",
  description:
    "Puts the tasks back as they were before the change: a created task is deleted, an edit reverted, a deleted task restored with its id. Only if none of them changed since; else 409 with what changed. The undo is a change of its own: undo it to redo.",
  request: {
    params: userParams.extend({ id: changeIdSchema }),
  },
  responses: {
    200: json(Change, "Undone: the change that reversed it (its `undoes` is the id undone)."),
    404: problem("No such change in your log (or it is older than the log keeps)."),
    409: {
      content: { "application/problem+json": { schema: UndoConflict } },
      description: "Some of its tasks changed since: nothing was undone. `conflicts` says how.",
    },
    ...commonErrors,
  },
});
