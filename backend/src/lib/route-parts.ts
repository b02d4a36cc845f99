// Pieces every route contract shares: the `{user_id}` parameter, JSON and problem responses, and
// the errors any signed-in route can answer.
import { z } from "@hono/zod-openapi";
import { problemSchema } from "@todo/contract/problem";

export const userParams = z.object({
  user_id: z.string().openapi({
    param: { name: "user_id", in: "path" },
    description: 'Your own user id, or "me". Anyone else\'s id is refused with 403.',
    example: "me",
  }),
});

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
export const problem = (description: string) => ({
  content: { "application/problem+json": { schema: problemSchema } },
  description,
});
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema } },
  required: true,
});

/** Errors any signed-in route can answer: the API refuses a body over 64 KB or not JSON on every route. */
export const commonErrors = {
  401: problem("No credentials, or bad ones."),
  403: problem(
    "`user_id` is someone else, or a cookie-authenticated change came from an untrusted origin.",
  ),
  413: problem("Body over 64 KB."),
  415: problem("The body is not `application/json`."),
  422: problem("Invalid parameters or body; `errors` lists each field."),
  429: problem("Too many requests; see `Retry-After`."),
  503: problem("The database is not reachable just now; retry after `Retry-After` seconds."),
};
export const bodyErrors = { 400: problem("Malformed JSON.") };
