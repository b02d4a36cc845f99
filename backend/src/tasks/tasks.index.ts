// The tasks router: HTTP only (parameters, ETags, status codes); the logic is in tasks.service.ts.
import { OpenAPIHono } from "@hono/zod-openapi";
import { TASK_DEFAULTS } from "@todo/contract/tasks";
import type { Context } from "hono";
import { actorOf } from "../changes/change-context.ts";
import type { Db } from "../db/client.ts";
import type { Task } from "../db/schema.ts";
import type { CursorCodec } from "../lib/cursor.ts";
import type { AppEnv } from "../lib/hono-env.ts";
import { inFlightLimit } from "../lib/http-guards.ts";
import { ownPath } from "../lib/own-path.ts";
import { problem } from "../lib/problem.ts";
import { validationHook } from "../lib/validation.ts";
import { hashRequest, idempotent } from "./idempotency.ts";
import { taskPage } from "./tasks.list.ts";
import * as routes from "./tasks.routes.ts";
import * as service from "./tasks.service.ts";

const etagOf = (task: Pick<Task, "version">) => `"${task.version}"`;

/**
 * The version an If-Match header asks for: undefined when absent or "*" (any version), NaN when
 * it names no version of ours (so it matches nothing).
 */
function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === "*") return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  return match ? Number(match[1]) : Number.NaN;
}

/** Where a task lives (relative, so it stays right behind a proxy). */
const taskLocation = (task: Task) => `/api/${task.user_id}/tasks/${task.id}`;

/**
 * Searches in flight at once (decision 014): per user, and for everyone. A search is the one list
 * query whose cost depends on what the client types; these bounds keep one user's searches from
 * holding the connections every other request needs (the pool has 10 by default).
 */
export const SEARCHES_PER_USER = 2;
export const SEARCHES_IN_FLIGHT = 4;
/** How long a search waits for one of the SEARCHES_IN_FLIGHT slots before a 503. */
export const SEARCH_WAIT_MS = 2000;

export function tasksRouter(deps: { db: Db; cursors: CursorCodec }) {
  const { db, cursors } = deps;
  const searches = inFlightLimit({
    perUser: SEARCHES_PER_USER,
    total: SEARCHES_IN_FLIGHT,
    maxWaitMs: SEARCH_WAIT_MS,
  });

  const router = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  router.use("/:user_id/tasks", ownPath);
  router.use("/:user_id/tasks/*", ownPath);

  /** Answers a change: 200 with the task, 412 with the current one, or 404. */
  const changed = (c: Context<AppEnv>, result: service.ChangeResult) => {
    switch (result.outcome) {
      case "changed":
        return c.json(result.task, 200, { ETag: etagOf(result.task) });
      case "stale": {
        const response = problem(c, 412, {
          detail: `The task changed since you read it: it is at version ${result.current.version} now.`,
          task: result.current,
        });
        response.headers.set("ETag", etagOf(result.current));
        return response;
      }
      case "not_found":
        return problem(c, 404, { detail: "No such task." });
    }
  };

  return router
    .openapi(routes.list, async (c) => {
      const query = c.req.valid("query");
      const userId = c.get("user").id;
      let leave = () => {};
      if (query.q) {
        const slot = await searches.enter(userId);
        if (slot === "user" || slot === "total") {
          const response =
            slot === "user"
              ? problem(c, 429, {
                  detail: `At most ${SEARCHES_PER_USER} searches at once per user: wait for one to finish.`,
                })
              : problem(c, 503, {
                  detail:
                    "Too many searches at once just now (none finished in time): retry shortly.",
                });
          response.headers.set("Retry-After", "1");
          return response;
        }
        leave = slot;
      }
      let page: Awaited<ReturnType<typeof taskPage>>;
      try {
        page = await taskPage(db, cursors, userId, query);
      } finally {
        leave();
      }
      if (!page) {
        return problem(c, 400, { detail: "The cursor is damaged, or was made for another query." });
      }
      return c.json(page, 200);
    })
    .openapi(routes.create, async (c) => {
      const actor = actorOf(c);
      const input = c.req.valid("json");
      const created = (task: Task, replayed = false) =>
        c.json(task, 201, {
          ETag: etagOf(task),
          Location: taskLocation(task),
          ...(replayed ? { "Idempotent-Replayed": "true" } : {}),
        });
      const key = c.req.valid("header")["idempotency-key"];
      if (!key) return created(await service.createTask(db, actor, input));
      const result = await idempotent(db, actor.userId, key, hashRequest(input), async (tx) => ({
        status: 201,
        body: await service.createTask(tx, actor, input),
      }));
      if (result.outcome === "mismatch") {
        return problem(c, 422, {
          detail: "This Idempotency-Key was used with a different body.",
          errors: [{ path: "Idempotency-Key", message: "was used with a different body" }],
        });
      }
      if (result.outcome === "running") {
        return problem(c, 409, {
          detail: "A request with this Idempotency-Key is still running: retry in a moment.",
        });
      }
      return created(result.response.body, result.outcome === "replayed");
    })
    .openapi(routes.stats, async (c) => c.json(await service.taskStats(db, c.get("user").id), 200))
    .openapi(routes.bulk, async (c) => {
      const request = c.req.valid("json");
      const actor = actorOf(c);
      const { action } = request;
      if ("filter" in request) {
        const ids = await service.bulkTasksMatching(db, actor, action, request.filter);
        return c.json({ action, ids }, 200);
      }
      const result = await service.bulkTasks(db, actor, action, request.ids);
      if (result.outcome === "not_found") {
        return problem(c, 404, {
          detail: `No such tasks: ${result.missing.join(", ")}. Nothing was changed.`,
        });
      }
      return c.json({ action, ids: result.ids }, 200);
    })
    .openapi(routes.getOne, async (c) => {
      const task = await service.getTask(db, c.get("user").id, c.req.valid("param").id);
      if (!task) return problem(c, 404, { detail: "No such task." });
      const etag = etagOf(task);
      const ifNoneMatch = c.req.valid("header")["if-none-match"];
      // "*" matches any current version (RFC 9110); weak and strong tags compare alike here.
      const tags = ifNoneMatch?.split(",").map((tag) => tag.trim().replace(/^W\//, ""));
      if (tags?.includes("*") || tags?.includes(etag)) {
        return c.body(null, 304, { ETag: etag });
      }
      return c.json(task, 200, { ETag: etag });
    })
    .openapi(routes.replace, async (c) => {
      const { id } = c.req.valid("param");
      // PUT replaces every editable field: the ones left out get their defaults (not position).
      const defaults = { ...TASK_DEFAULTS, tags: [...TASK_DEFAULTS.tags] };
      const fields = Object.assign(defaults, c.req.valid("json"));
      const version = expectedVersion(c.req.valid("header")["if-match"]);
      return changed(c, await service.updateTask(db, actorOf(c), id, fields, version));
    })
    .openapi(routes.update, async (c) => {
      const { id } = c.req.valid("param");
      const version = expectedVersion(c.req.valid("header")["if-match"]);
      return changed(c, await service.updateTask(db, actorOf(c), id, c.req.valid("json"), version));
    })
    .openapi(routes.complete, async (c) => {
      const { id } = c.req.valid("param");
      const version = expectedVersion(c.req.valid("header")["if-match"]);
      const body = c.req.valid("json") as { is_completed?: boolean } | undefined;
      return changed(
        c,
        await service.setCompletion(db, actorOf(c), id, body?.is_completed, version),
      );
    })
    .openapi(routes.remove, async (c) => {
      const { id } = c.req.valid("param");
      const version = expectedVersion(c.req.valid("header")["if-match"]);
      const result = await service.deleteTask(db, actorOf(c), id, version);
      if (result.outcome === "deleted") return c.body(null, 204);
      return changed(c, result);
    });
}
