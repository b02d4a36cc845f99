// The model-based test's commands (model.test.ts): create, get, replace, update, complete, delete,
// bulk, stats and sign-in, each checked against the model, and how often each is drawn.
import fc from "fast-check";
import { expect } from "vitest";
import type { Task } from "../../src/db/schema.ts";
import { APP_ORIGIN } from "../helpers.ts";
import {
  callerArb,
  changesArb,
  ifMatchArb,
  newFieldsArb,
  stored,
  targetArb,
} from "./model-inputs.ts";
import { listCommand } from "./model-list.ts";
import {
  Command,
  call,
  conditional,
  expectChanged,
  expectProblem,
  expectStatus,
  refused,
  resolve,
  show,
} from "./model-run.ts";
import {
  etagOf,
  figures,
  gone,
  ownTask,
  ownTasks,
  PASSWORD,
  served,
  userOf,
} from "./model-world.ts";

const createCommand = fc.record({ caller: callerArb, fields: newFieldsArb }).map(
  ({ caller, fields }) =>
    new Command(`create ${show(caller, fields)}`, async (model) => {
      const reply = await call(caller, "POST", "", fields);
      if (refused(caller, reply)) return;
      expectStatus(reply, 201);
      const body = reply.body as Task;
      expect(model.tasks.has(body.id)).toBe(false);
      const positions = ownTasks(model, caller.user).map((task) => task.position);
      const isCompleted = fields.is_completed ?? false;
      const expected: Task = {
        id: body.id,
        user_id: userOf(caller.user).id,
        title: fields.title.trim(),
        description: "",
        is_completed: isCompleted,
        // Set in the same statement as created_at, so the same now().
        completed_at: isCompleted ? body.created_at : null,
        priority: "none",
        due_at: null,
        tags: [],
        // New tasks go last in the manual order unless a position is given.
        position: (positions.length > 0 ? Math.max(...positions) : 0) + 1,
        version: 1,
        created_at: body.created_at,
        updated_at: body.created_at,
        ...stored(fields),
      };
      expect(body, reply.what).toEqual(expected);
      expect(reply.etag).toBe('"1"');
      expect(reply.location).toBe(`/api/${expected.user_id}/tasks/${expected.id}`);
      model.tasks.set(expected.id, expected);
    }),
);

const getCommand = fc
  .record({ caller: callerArb, target: targetArb, ifNoneMatch: fc.boolean() })
  .map(
    ({ caller, target, ifNoneMatch }) =>
      new Command(`get ${show(caller, target, { ifNoneMatch })}`, async (model) => {
        const id = resolve(model, caller.user, target);
        const task = ownTask(model, caller.user, id);
        const other = model.tasks.get(id);
        const headers: Record<string, string> =
          ifNoneMatch && other ? { "If-None-Match": etagOf(other) } : {};
        const reply = await call(caller, "GET", `/${id}`, undefined, headers);
        if (refused(caller, reply)) return;
        if (!task) {
          expectProblem(reply, 404);
          return;
        }
        expectStatus(reply, ifNoneMatch ? 304 : 200);
        expect(reply.body, reply.what).toEqual(ifNoneMatch ? null : task);
        expect(reply.etag).toBe(etagOf(task));
      }),
  );

const replaceCommand = fc
  .record({ caller: callerArb, target: targetArb, ifMatch: ifMatchArb, fields: newFieldsArb })
  .map(
    ({ caller, target, ifMatch, fields }) =>
      new Command(`replace ${show(caller, target, ifMatch, fields)}`, (model) =>
        conditional(
          model,
          caller,
          target,
          ifMatch,
          (id, headers) => call(caller, "PUT", `/${id}`, fields, headers),
          (old, reply) =>
            // Fields left out get their defaults, except position, which is kept.
            expectChanged(model, reply, old, {
              description: "",
              is_completed: false,
              priority: "none",
              due_at: null,
              tags: [],
              ...stored(fields),
            }),
        ),
      ),
  );

const updateCommand = fc
  .record({ caller: callerArb, target: targetArb, ifMatch: ifMatchArb, changes: changesArb })
  .map(
    ({ caller, target, ifMatch, changes }) =>
      new Command(`update ${show(caller, target, ifMatch, changes)}`, (model) =>
        conditional(
          model,
          caller,
          target,
          ifMatch,
          (id, headers) => call(caller, "PATCH", `/${id}`, changes, headers),
          (old, reply) => expectChanged(model, reply, old, stored(changes)),
        ),
      ),
  );

const completeCommand = fc
  .record({
    caller: callerArb,
    target: targetArb,
    ifMatch: ifMatchArb,
    set: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map(
    ({ caller, target, ifMatch, set }) =>
      new Command(`complete ${show(caller, target, ifMatch, set ?? "toggle")}`, (model) =>
        conditional(
          model,
          caller,
          target,
          ifMatch,
          (id, headers) =>
            call(
              caller,
              "PATCH",
              `/${id}/complete`,
              set === undefined ? undefined : { is_completed: set },
              headers,
            ),
          (old, reply) =>
            expectChanged(model, reply, old, { is_completed: set ?? !old.is_completed }),
        ),
      ),
  );

const deleteCommand = fc.record({ caller: callerArb, target: targetArb, ifMatch: ifMatchArb }).map(
  ({ caller, target, ifMatch }) =>
    new Command(`delete ${show(caller, target, ifMatch)}`, (model) =>
      conditional(
        model,
        caller,
        target,
        ifMatch,
        (id, headers) => call(caller, "DELETE", `/${id}`, undefined, headers),
        (old, reply) => {
          expectStatus(reply, 204);
          expect(reply.body).toBeNull();
          model.tasks.delete(old.id);
          gone.push(old.id);
        },
      ),
    ),
);

const bulkCommand = fc
  .record({
    caller: callerArb,
    action: fc.constantFrom("complete", "uncomplete", "delete"),
    targets: fc.array(targetArb, { minLength: 1, maxLength: 4 }),
  })
  .map(
    ({ caller, action, targets }) =>
      new Command(`bulk ${show(caller, action, targets)}`, async (model) => {
        const ids = targets.map((target) => resolve(model, caller.user, target));
        const reply = await call(caller, "POST", "/bulk", { action, ids });
        if (refused(caller, reply)) return;
        const wanted = [...new Set(ids)];
        const missing = wanted.filter((id) => !ownTask(model, caller.user, id));
        if (missing.length > 0) {
          // All or nothing: one id that is not the caller's task and nothing changes.
          const problem = expectProblem(reply, 404);
          expect(problem.detail?.match(/\d+/g)?.map(Number), reply.what).toEqual(missing);
          return;
        }
        expectStatus(reply, 200);
        expect(reply.body).toEqual({ action, ids: [...wanted].sort((a, b) => a - b) });
        for (const id of wanted) {
          const task = ownTask(model, caller.user, id);
          if (!task) continue;
          if (action === "delete") {
            model.tasks.delete(id);
            gone.push(id);
            continue;
          }
          const completed = action === "complete";
          model.learn.set(id, completed && !task.is_completed);
          model.tasks.set(id, {
            ...task,
            is_completed: completed,
            completed_at: completed ? task.completed_at : null,
            version: task.version + 1,
          });
        }
      }),
  );

const statsCommand = callerArb.map(
  (caller) =>
    new Command(`stats ${show(caller)}`, async (model) => {
      const own = ownTasks(model, caller.user);
      const now = Date.now();
      const completed = own.filter((task) => task.is_completed).length;
      const overdue = own.filter(
        (task) => !task.is_completed && task.due_at !== null && Date.parse(task.due_at) < now,
      ).length;
      const reply = await call(caller, "GET", "/stats");
      if (refused(caller, reply)) return;
      expectStatus(reply, 200);
      expect(reply.body).toEqual({
        total: own.length,
        pending: own.length - completed,
        completed,
        overdue,
      });
    }),
);

/**
 * A sign-in beside the task commands: a wrong password is 401, the right one in any encoding but
 * JSON is 415 (no session), the right one in JSON 200. None of them may change anyone's tasks
 * (checked after every command), nor the users' tokens.
 */
const signInCommand = fc
  .record({
    user: fc.integer({ min: 0, max: 2 }),
    attempt: fc.constantFrom("wrong password", "right password", "form", "multipart", "text"),
  })
  .map(
    ({ user, attempt }) =>
      new Command(`sign-in u${user} ${attempt}`, async () => {
        const { email } = userOf(user);
        const password = attempt === "wrong password" ? `${PASSWORD}!` : PASSWORD;
        const form = new FormData();
        form.set("email", email);
        form.set("password", password);
        const json = JSON.stringify({ email, password });
        const sent: Record<typeof attempt, { body: RequestInit["body"]; type?: string }> = {
          "wrong password": { body: json, type: "application/json" },
          "right password": { body: json, type: "application/json" },
          form: {
            body: new URLSearchParams({ email, password }),
            type: "application/x-www-form-urlencoded",
          },
          multipart: { body: form }, // fetch sets the type, with its boundary
          text: { body: json, type: "text/plain" },
        };
        const { body, type } = sent[attempt];
        const response = await fetch(`${served().server.url}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { Origin: APP_ORIGIN, ...(type ? { "Content-Type": type } : {}) },
          body,
        });
        figures.requests++;
        figures.statuses.set(response.status, (figures.statuses.get(response.status) ?? 0) + 1);
        const expected =
          attempt === "wrong password" ? 401 : attempt === "right password" ? 200 : 415;
        expect(`sign-in u${user} ${attempt} → ${response.status}`).toBe(
          `sign-in u${user} ${attempt} → ${expected}`,
        );
        expect(response.headers.getSetCookie().length > 0).toBe(expected === 200);
        await response.body?.cancel();
      }),
  );

export const commandArb = fc.oneof(
  { arbitrary: createCommand, weight: 8 },
  { arbitrary: listCommand, weight: 4 },
  { arbitrary: getCommand, weight: 2 },
  { arbitrary: replaceCommand, weight: 2 },
  { arbitrary: updateCommand, weight: 3 },
  { arbitrary: completeCommand, weight: 3 },
  { arbitrary: bulkCommand, weight: 2 },
  { arbitrary: deleteCommand, weight: 2 },
  { arbitrary: statsCommand, weight: 1 },
  { arbitrary: signInCommand, weight: 1 },
);
