import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";

/** An RFC 9457 problem: the one error shape of this API. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  request_id: z.string().optional(),
  /** Validation errors, one per field. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

const TITLES: Partial<Record<ContentfulStatusCode, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Answers `application/problem+json`, with the request id so a report can be matched to the log. */
export function problem<
  S extends ContentfulStatusCode,
  X extends Record<string, unknown> = Record<never, never>,
>(
  c: Context,
  status: S,
  // Extension members (RFC 9457 §3.2) ride along, e.g. the current task in a 412.
  fields: Omit<Problem, "status" | "title" | "type"> & { title?: string } & X = {} as X,
) {
  const body: Problem & X = {
    type: "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    ...fields,
    request_id: c.get("requestId"),
  };
  // c.json keeps a Content-Type given here, so the response stays typed for the OpenAPI routes.
  return c.json(body, status, { "Content-Type": "application/problem+json" });
}
