// GET /api/me/events over real HTTP: the stream starts with `ready`, sends every change in order
// wherever it was made, resumes from Last-Event-ID with exactly the missed changes, says `reload`
// when it cannot, keeps to its user, and ends when the session does.
import { EVENTS } from "@todo/contract/changes";
import { describe, expect, it } from "vitest";
import { Browser } from "../../test/browser.ts";
import { type EventStream, openEventStream } from "../../test/event-stream.ts";
import { databaseKind, uniqueEmail } from "../../test/helpers.ts";
import { type ApiUser, TASKS, useTasksApi } from "../tasks/tasks.test-helpers.ts";
import type { ChangeView } from "./changes.service.ts";

const { app, newUser } = useTasksApi();

const events = (user: ApiUser, headers: Record<string, string> = {}, query = "") =>
  openEventStream(`${app.server.url}/api/me/events${query}`, {
    Authorization: `Bearer ${user.token}`,
    ...headers,
  });

const changeOf = (event: { data: string }) => JSON.parse(event.data) as ChangeView;

async function withStream<T>(stream: EventStream, run: (stream: EventStream) => Promise<T>) {
  try {
    return await run(stream);
  } finally {
    stream.close();
  }
}

describe(`the event stream (${databaseKind})`, () => {
  it("opens with ready, then sends each change as it commits, in order, with its id", async () => {
    const user = await newUser();
    await withStream(await events(user), async (stream) => {
      expect(stream.status).toBe(200);
      const ready = await stream.next();
      expect(ready).toMatchObject({ event: EVENTS.ready, id: "0" });

      const task = await user.create({ title: "live" });
      await user.call("PATCH", `${TASKS}/${task.id}/complete`);
      await user.call("DELETE", `${TASKS}/${task.id}`);
      const sent = await stream.take(3);
      expect(sent.map((event) => event.event)).toEqual([
        EVENTS.change,
        EVENTS.change,
        EVENTS.change,
      ]);
      const changes = sent.map(changeOf);
      expect(changes.map((change) => change.kind)).toEqual(["create", "update", "delete"]);
      expect(sent.map((event) => Number(event.id))).toEqual(changes.map((change) => change.id));
      expect(changes[0]?.after?.[0]).toMatchObject({ id: task.id, title: "live" });
    });
  });

  it("resumes after Last-Event-ID with exactly the 50 changes it missed, in order, none twice", async () => {
    const user = await newUser();
    const first = await events(user);
    const ready = await first.next();
    await user.create({ title: "seen" });
    const seen = await first.next();
    first.close();

    const made: number[] = [];
    for (let i = 0; i < 50; i++) made.push((await user.create({ title: `missed ${i}` })).id);

    await withStream(await events(user, { "Last-Event-ID": seen.id ?? "" }), async (stream) => {
      expect(await stream.next()).toMatchObject({ event: EVENTS.ready, id: seen.id });
      const missed = (await stream.take(50)).map(changeOf);
      expect(missed.map((change) => change.task_ids[0])).toEqual(made);
      const ids = missed.map((change) => change.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(50);
      await expect(stream.next(300)).rejects.toThrow(/no event/);
    });
    expect(Number(seen.id)).toBeGreaterThan(Number(ready.id));

    // The query parameter does the same, for a client that cannot set the header.
    await withStream(await events(user, {}, `?last_event_id=${seen.id}`), async (stream) => {
      await stream.next();
      expect((await stream.take(50)).map((event) => changeOf(event).task_ids[0])).toEqual(made);
    });
  });

  it("says reload when the changes after Last-Event-ID are gone, and goes on from now", async () => {
    const user = await newUser();
    await user.create();
    await withStream(await events(user, { "Last-Event-ID": "123456789" }), async (stream) => {
      const reload = await stream.next();
      expect(reload.event).toBe(EVENTS.reload);
      const task = await user.create({ title: "after the reload" });
      expect(changeOf(await stream.next()).task_ids).toEqual([task.id]);
    });
  });

  it("never sends one user's changes to another", async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    await withStream(await events(bob), async (stream) => {
      await stream.next();
      await alice.create({ title: "alice's" });
      const own = await bob.create({ title: "bob's" });
      const change = changeOf(await stream.next());
      expect(change.task_ids).toEqual([own.id]);
      expect(change.actor_id).toBe(bob.id);
      await expect(stream.next(300)).rejects.toThrow(/no event/);
    });
  });

  it("refuses someone else's user id (403) and no credentials (401)", async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    const other = await openEventStream(`${app.server.url}/api/${bob.id}/events`, {
      Authorization: `Bearer ${alice.token}`,
    });
    expect(other.status).toBe(403);
    const anonymous = await openEventStream(`${app.server.url}/api/me/events`, {});
    expect(anonymous.status).toBe(401);
  });

  it("ends within 5 s of the session being signed out (cookie and bearer alike)", async () => {
    const browser = new Browser(app.server.url);
    expect((await browser.signUp(uniqueEmail("stream"))).status).toBe(200);
    const { token } = (await (await browser.get("/api/auth/token")).json()) as { token: string };
    const byCookie = await openEventStream(`${app.server.url}/api/me/events`, {
      Cookie: browser.cookieHeader,
    });
    const byToken = await openEventStream(`${app.server.url}/api/me/events`, {
      Authorization: `Bearer ${token}`,
    });
    await byCookie.next();
    await byToken.next();
    const signedOut = Date.now();
    expect((await browser.post("/api/auth/sign-out")).status).toBe(200);
    await Promise.all([byCookie.ended, byToken.ended]);
    expect(Date.now() - signedOut).toBeLessThan(5000);
  });
});
