// The tasks API contract (DESIGN.md §6), as OpenAPI routes built from the table-derived schemas.
import { createRoute, z } from "@hono/zod-openapi";
import { problemSchema } from "@todo/contract/problem";
import {
  bulkRequestSchema,
  bulkResultSchema,
  IDEMPOTENCY_KEY_MAX,
  TASK_ID_MAX,
  taskListQuerySchema,
} from "@todo/contract/tasks";
import { insertTaskSchema, patchTaskSchema, selectTaskSchema } from "../db/schema.ts";
import {
  bodyErrors,
  commonErrors,
  json,
  jsonBody,
  problem,
  userParams,
} from "../lib/route-parts.ts";

export const Task = selectTaskSchema.openapi("Task");
const NewTask = insertTaskSchema.openapi("NewTask");
const TaskChanges = patchTaskSchema.openapi("TaskChanges");

const taskParams = userParams.extend({
  id: z.coerce
    .number()
    .int()
    .min(1)
    .max(TASK_ID_MAX)
    .openapi({ param: { name: "id", in: "path" }, example: 42 }),
});

const ifMatch = z.object({
  "if-match": z.string().optional().openapi({
    description: 'Change only if the task is still at this version (its ETag, e.g. "3"); else 412.',
  }),
});

const notFound = { 404: problem("No such task for this user.") };
const StaleTask = problemSchema.extend({ task: Task }).openapi("StaleTask");
const stale = {
  412: {
    content: { "application/problem+json": { schema: StaleTask } },
    description:
      "`If-Match` names an older version: nothing changed; `task` is the task as it is now.",
  },
};
const taskResponse = (description: string) => ({
  ...json(Task, description),
  headers: z.object({ ETag: z.string().openapi({ description: "The task's version, quoted." }) }),
});

const TaskList = z
  .object({
    items: z.array(Task),
    next_cursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page; null at the end." }),
  })
  .openapi("TaskList");

const Stats = z
  .object({
    total: z.number().int(),
    pending: z.number().int(),
    completed: z.number().int(),
    overdue: z.number().int(),
  })
  .openapi("TaskStats");

// The contract's schemas are plain Zod (no .openapi()); `meta({ id })` names them in the document.
const BulkRequest = bulkRequestSchema.meta({ id: "BulkRequest" });
const BulkResult = bulkResultSchema.meta({ id: "BulkResult" });

const tags = ["tasks"];

export const list = createRoute({
  operationId: "listTasks",
  method: "get",
  path: "/{user_id}/tasks",
  tags,
  summary: "List tasks",
  request: { params: userParams, query: taskListQuerySchema },
  responses: {
    200: json(TaskList, "One page of tasks."),
    400: problem("The cursor is damaged or belongs to another query."),
    ...commonErrors,
  },
});

export const create = createRoute({
  operationId: "createTask",
  method: "post",
  path: "/{user_id}/tasks",
  tags,
  summary: "Create a task",
  request: {
    params: userParams,
    headers: z.object({
      "idempotency-key": z.string().min(1).max(IDEMPOTENCY_KEY_MAX).optional().openapi({
        description:
          "Retries with the same key and body return the first response; nothing is created twice.",
      }),
    }),
    body: jsonBody(NewTask),
  },
  responses: {
    201: {
      ...taskResponse("Created."),
      headers: z.object({ ETag: z.string(), Location: z.string() }),
    },
    409: problem("A request with this Idempotency-Key is still running."),
    ...bodyErrors,
    ...commonErrors,
  },
});

export const stats = createRoute({
  operationId: "getTaskStats",
  method: "get",
  path: "/{user_id}/tasks/stats",
  tags,
  summary: "Count tasks",
  request: { params: userParams },
  responses: { 200: json(Stats, "Counts of the user's tasks."), ...commonErrors },
});

export const bulk = createRoute({
  operationId: "bulkTasks",
  method: "post",
  path: "/{user_id}/tasks/bulk",
  tags,
  summary: "Complete, reopen or delete many tasks, all or nothing",
  request: { params: userParams, body: jsonBody(BulkRequest) },
  responses: {
    200: json(BulkResult, "Done, for every task named or matched."),
    404: problem("Some ids are not this user's tasks; nothing changed. `detail` lists them."),
    ...bodyErrors,
    ...commonErrors,
  },
});

export const getOne = createRoute({
  operationId: "getTask",
  method: "get",
  path: "/{user_id}/tasks/{id}",
  tags,
  summary: "Get a task",
  request: {
    params: taskParams,
    headers: z.object({ "if-none-match": z.string().optional() }),
  },
  responses: {
    200: taskResponse("The task."),
    304: { description: "Not modified since the ETag in `If-None-Match`." },
    ...notFound,
    ...commonErrors,
  },
});

export const replace = createRoute({
  operationId: "replaceTask",
  method: "put",
  path: "/{user_id}/tasks/{id}",
  tags,
  summary: "Replace a task's editable fields",
  description: "Fields left out get their defaults (position excepted: it is kept).",
  request: { params: taskParams, headers: ifMatch, body: jsonBody(NewTask) },
  responses: {
    200: taskResponse("The task as it is now."),
    ...notFound,
    ...stale,
    ...bodyErrors,
    ...commonErrors,
  },
});

export const update = createRoute({
  operationId: "updateTask",
  method: "patch",
  path: "/{user_id}/tasks/{id}",
  tags,
  summary: "Change some of a task's fields",
  request: { params: taskParams, headers: ifMatch, body: jsonBody(TaskChanges) },
  responses: {
    200: taskResponse("The task as it is now."),
    ...notFound,
    ...stale,
    ...bodyErrors,
    ...commonErrors,
  },
});

export const remove = createRoute({
  operationId: "deleteTask",
  method: "delete",
  path: "/{user_id}/tasks/{id}",
  tags,
  summary: "Delete a task",
  request: { params: taskParams, headers: ifMatch },
  responses: { 204: { description: "Deleted." }, ...notFound, ...stale, ...commonErrors },
});

export const complete = createRoute({
  operationId: "completeTask",
  method: "patch",
  path: "/{user_id}/tasks/{id}/complete",
  tags,
  summary: "Toggle completion, or set it",
  request: {
    params: taskParams,
    headers: ifMatch,
    body: {
      content: {
        "application/json": {
          schema: z.strictObject({ is_completed: z.boolean() }).openapi("Completion"),
        },
      },
      required: false,
      description: "Leave the body out to toggle.",
    },
  },
  responses: {
    200: taskResponse("The task as it is now."),
    ...notFound,
    ...stale,
    ...bodyErrors,
    ...commonErrors,
  },
});
