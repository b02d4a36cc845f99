// The contracts of the routes outside the tasks API, in the OpenAPI document too: health checks
// and "who am I". Their handlers are in system.index.ts.
import { createRoute, z } from "@hono/zod-openapi";
import { DRIVERS } from "../env.ts";
import { problemSchema } from "../lib/problem.ts";

export const healthz = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "healthz",
  tags: ["health"],
  summary: "Is the process up?",
  security: [],
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } },
      description: "Up.",
    },
  },
});

export const readyz = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "readyz",
  tags: ["health"],
  summary: "Does the database answer?",
  security: [],
  responses: {
    200: {
      content: {
        "application/json": {
          schema: z.object({ status: z.literal("ok"), database: z.enum(DRIVERS) }),
        },
      },
      description: "Ready: the database answered `select 1`.",
    },
    503: {
      content: { "application/problem+json": { schema: problemSchema } },
      description: "The database is not reachable; `Retry-After` says when to ask again.",
    },
  },
});

export const me = createRoute({
  method: "get",
  path: "/me",
  operationId: "getMe",
  tags: ["account"],
  summary: "Who am I",
  description:
    "The user the credential belongs to: use its `id` as `{user_id}`, or just write `me`.",
  responses: {
    200: {
      content: {
        "application/json": {
          schema: z.object({ id: z.string().uuid(), email: z.string().email() }).openapi("Me"),
        },
      },
      description: "The signed-in user.",
    },
    401: {
      content: { "application/problem+json": { schema: problemSchema } },
      description: "No credentials, or bad ones.",
    },
    // The API's middleware answers these on every route, this one included.
    413: {
      content: { "application/problem+json": { schema: problemSchema } },
      description: "Body over 64 KB.",
    },
    415: {
      content: { "application/problem+json": { schema: problemSchema } },
      description: "The body is not `application/json`.",
    },
    429: {
      content: { "application/problem+json": { schema: problemSchema } },
      description: "Too many requests; see `Retry-After`.",
    },
    503: {
      content: { "application/problem+json": { schema: problemSchema } },
      description: "The database is not reachable just now; retry after `Retry-After` seconds.",
    },
  },
});
