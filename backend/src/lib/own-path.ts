import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./hono-env.ts";
import { problem } from "./problem.ts";

/**
 * For routes under `/{user_id}/`: the id must be the caller's own, or "me" (403 otherwise). What a
 * user may see is decided in each query; this only refuses a path that names someone else.
 */
export const ownPath = createMiddleware<AppEnv>(async (c, next) => {
  const pathUser = c.req.param("user_id");
  if (pathUser !== "me" && pathUser !== c.get("user").id) {
    return problem(c, 403, {
      detail: 'You can only see and change your own tasks: use your own user id, or "me".',
    });
  }
  await next();
});
