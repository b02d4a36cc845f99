// The one error shape of every answer the browser gets from /api, the web app's proxy included:
// an RFC 9457 problem (application/problem+json).
import { z } from "./zod.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof fieldErrorSchema>;

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  request_id: z.string().optional(),
  /** Better Auth's error code (e.g. INVALID_EMAIL_OR_PASSWORD), on /api/auth/* errors. */
  code: z.string().optional(),
  /** Validation errors, one per field. */
  errors: z.array(fieldErrorSchema).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

const TITLES: Record<number, string> = {
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
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** A problem's body: its title from the status, extension members (RFC 9457 §3.2) kept. */
export function problemBody<X extends Record<string, unknown>>(
  status: number,
  fields: Omit<Problem, "status" | "title" | "type"> & { title?: string } & X,
): Problem & X {
  return { type: "about:blank", title: TITLES[status] ?? "Error", status, ...fields };
}
