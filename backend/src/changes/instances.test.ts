// Several API processes on one Postgres database, as a deployment runs them: a change made through
// one reaches the streams held by another (LISTEN/NOTIFY), and clients of an instance that is
// killed resume on another and miss nothing. PGlite is one process by design: Postgres only.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EventStream, openEventStream } from "../../test/event-stream.ts";
import { postgres } from "../../test/helpers.ts";
import {
  killServers,
  type RunningServer,
  serverDatabase,
  startServer,
  stopServer,
} from "../../test/server-process.ts";
import { type ApiUser, newApiUser, TASKS } from "../tasks/tasks.test-helpers.ts";
import type { ChangeView } from "./changes.service.ts";

const changeOf = (event: { data: string }) => JSON.parse(event.data) as ChangeView;

describe.skipIf(!postgres)("several API instances on one Postgres database", () => {
  let database: Awaited<ReturnType<typeof serverDatabase>>;
  let vars: Record<string, string>;
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    database = await serverDatabase("instances");
    vars = {
      ...database.vars,
      BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
      API_RATE_LIMIT_MAX: "100000",
    };
    a = await startServer(vars);
    b = await startServer(vars);
  }, 60_000);
  afterAll(async () => {
    killServers();
    await database?.drop();
  });

  const streamOn = (server: RunningServer, user: ApiUser, lastEventId?: string) =>
    openEventStream(`${server.url}/api/me/events`, {
      Authorization: `Bearer ${user.token}`,
      ...(lastEventId ? { "Last-Event-ID": lastEventId } : {}),
    });

  it("a change through A reaches a stream held on B within a second (p99 over 200 changes)", async () => {
    const user = await newApiUser(a.url);
    const stream = await streamOn(b, user);
    try {
      await stream.next();
      const latencies: number[] = [];
      for (let i = 0; i < 200; i++) {
        const response = await user.send("POST", TASKS, { title: `change ${i}` });
        const committed = performance.now();
        const { id } = (await response.json()) as { id: number };
        const change = changeOf(await stream.next(2000));
        latencies.push(performance.now() - committed);
        expect(change.task_ids).toEqual([id]);
      }
      latencies.sort((x, y) => x - y);
      const p99 = latencies[Math.ceil(latencies.length * 0.99) - 1] as number;
      expect(p99).toBeLessThan(1000);
    } finally {
      stream.close();
    }
  }, 60_000);

  it("SIGKILL an instance while its clients stream and others write: they resume on the other and miss nothing", async () => {
    const users = [await newApiUser(b.url), await newApiUser(b.url), await newApiUser(b.url)];
    const doomed = await startServer(vars);
    const streams = await Promise.all(users.map((user) => streamOn(doomed, user)));
    for (const stream of streams) await stream.next();

    // Writers on B, all along.
    const made = users.map(() => [] as number[]);
    let writing = true;
    const writers = users.map(async (user, i) => {
      while (writing) {
        const response = await user.send("POST", TASKS, { title: "during the kill" });
        if (response.status === 201) made[i]?.push(((await response.json()) as { id: number }).id);
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stopServer(doomed, "SIGKILL");
    await Promise.all(streams.map((stream) => stream.ended));
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Each client reconnects to A from the last event it got, as EventSource does.
    const resumed: EventStream[] = [];
    for (const [i, stream] of streams.entries()) {
      const last = stream.received.at(-1)?.id;
      resumed.push(await streamOn(a, users[i] as ApiUser, last));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    writing = false;
    await Promise.all(writers);

    for (const [i, stream] of streams.entries()) {
      const seen = stream.received.filter((event) => event.event === "change").map(changeOf);
      const again = resumed[i] as EventStream;
      await again.next(); // ready
      const expected = made[i] as number[];
      const rest: ChangeView[] = [];
      while (seen.length + rest.length < expected.length) rest.push(changeOf(await again.next()));
      const taskIds = [...seen, ...rest].flatMap((change) => change.task_ids);
      expect(taskIds).toEqual(expected);
      again.close();
    }
  }, 60_000);
});
