import type { Context } from "hono";
import type { ZodError } from "zod";
import { problem } from "./problem.ts";

type Issue = ZodError["issues"][number];

/**
 * Zod issues as `{ path, message }` pairs; an unknown or refused key gets one pair of its own. A
 * value that fits none of a union's shapes is told what is wrong with the shape it came closest
 * to (the one with the fewest issues; the first on a tie), not just "invalid input".
 */
export function fieldErrors(error: Pick<ZodError, "issues">): { path: string; message: string }[] {
  return error.issues.flatMap((issue): { path: string; message: string }[] => {
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const closest = issue.errors.reduce((best, branch) =>
        branch.length < best.length ? branch : best,
      );
      const within = (inner: Issue) =>
        ({ ...inner, path: [...issue.path, ...inner.path] }) as Issue;
      return fieldErrors({ issues: closest.map(within) });
    }
    const prefix = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: prefix ? `${prefix}.${key}` : key,
        message: "is not allowed (unknown, or set by the server)",
      }));
    }
    return [{ path: prefix, message: issue.message }];
  });
}

/** The OpenAPI routes' validation hook: a 422 problem naming each invalid field. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target: string },
  c: Context,
) {
  if (result.success) return;
  const errors = fieldErrors(result.error);
  const where =
    result.target === "json" ? "body" : result.target === "query" ? "query" : result.target;
  return problem(c, 422, {
    detail: `The ${where} is not valid: ${errors.map((e) => `${e.path || where}: ${e.message}`).join("; ")}.`,
    errors,
  });
}
