import {
  problemSchema as contractProblem,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  problemBody,
} from "@todo/contract/problem";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The one error shape of this API (RFC 9457), named for the OpenAPI document. */
export const problemSchema = contractProblem.meta({ id: "Problem" });

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
  const body = problemBody(status, { ...fields, request_id: c.get("requestId") });
  // c.json keeps a Content-Type given here, so the response stays typed for the OpenAPI routes.
  return c.json(body, status, { "Content-Type": PROBLEM_CONTENT_TYPE });
}
