import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An RFC 9457 problem: the one error shape of this API. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

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
export function problem(
  c: Context,
  status: ContentfulStatusCode,
  fields: Omit<Problem, "status" | "title"> & { title?: string } = {},
): Response {
  const body: Problem = {
    type: "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    ...fields,
    request_id: c.get("requestId"),
  };
  return c.body(JSON.stringify(body), status, { "Content-Type": "application/problem+json" });
}
