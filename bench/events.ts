// The event stream (GET /api/me/events) under load, on Postgres, over real HTTP: the API bundle in
// its own process, the clients in this one. Writes bench/results/events.md.
//
// - Latency: 1,000 open streams (100 users, 10 devices each) while 200 changes a second are made
//   by random users; for each delivery, the time from the writer getting its 201 (the change has
//   committed) to the event reaching each of that user's streams.
// - Memory: the server's resident memory with no stream, with 1,000 and with 10,000 idle streams,
//   and its CPU while they idle (heartbeats and credential checks).
//
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:events [-- --smoke]
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { EventSourceParserStream } from "eventsource-parser/stream";
import { benchUser, startBenchServer } from "./api-server.ts";
import { withThrowawayDatabase } from "./throwaway-database.ts";

const smoke = process.argv.includes("--smoke");
const USERS = smoke ? 5 : 100;
const DEVICES = smoke ? 2 : 10;
const RATE = smoke ? 20 : 200;
const SECONDS = smoke ? 2 : 20;
const IDLE_STREAMS = smoke ? [20, 50] : [1000, 10_000];
/** How long the idle streams settle, then how long their CPU is measured. */
const SETTLE_MS = smoke ? 1000 : 5000;
const IDLE_MS = smoke ? 2000 : 10_000;
const serverUrl = process.env.BENCH_DATABASE_URL;
if (!serverUrl) throw new Error("Set BENCH_DATABASE_URL to a Postgres server.");
const resultsFile = fileURLToPath(new URL("./results/events.md", import.meta.url));

interface Stream {
  ready: Promise<void>;
  close(): void;
}

/** Opens a stream; `onChange` gets each change's first task id, when it arrives. */
function openStream(base: string, token: string, onChange?: (taskId: number) => void): Stream {
  const controller = new AbortController();
  let readyResolve: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    readyResolve = resolve;
  });
  void (async () => {
    const response = await fetch(`${base}/api/me/events`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    if (!response.body) throw new Error(`events: ${response.status}`);
    const events = response.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream());
    for await (const event of events) {
      if (event.event === "ready") readyResolve();
      else if (event.event === "change" && onChange) {
        const change = JSON.parse(event.data) as { task_ids: number[] };
        onChange(change.task_ids[0] as number);
      }
    }
  })().catch(() => {});
  return { ready, close: () => controller.abort() };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? Number.NaN;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** The server's CPU time so far (user + system), in ms, from /proc. */
function cpuMs(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 10 ms
}

const lines: string[] = [];
await withThrowawayDatabase(serverUrl, async (url) => {
  const server = await startBenchServer(url);
  const { base } = server;
  try {
    const users = [];
    for (let i = 0; i < USERS; i++) users.push(await benchUser(base, `events-${i}@example.test`));

    // ---- Latency: DEVICES streams per user, RATE changes a second ----
    const answeredAt = new Map<number, number>(); // task id → when its writer got the 201
    const early = new Map<number, number[]>(); // deliveries that beat the 201 to this process
    const latencies: number[] = [];
    const streams = users.flatMap((user) =>
      Array.from({ length: DEVICES }, () =>
        openStream(base, user.token, (taskId) => {
          const now = performance.now();
          const answered = answeredAt.get(taskId);
          if (answered === undefined) early.set(taskId, [...(early.get(taskId) ?? []), now]);
          else latencies.push(now - answered);
        }),
      ),
    );
    await Promise.all(streams.map((stream) => stream.ready));
    const writes: Promise<void>[] = [];
    const started = performance.now();
    for (let i = 0; i < RATE * SECONDS; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const user = users[Math.floor(Math.random() * users.length)] as (typeof users)[number];
      writes.push(
        fetch(`${base}/api/me/tasks`, {
          method: "POST",
          headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ title: `change ${i}` }),
        }).then(async (response) => {
          const now = performance.now();
          const { id } = (await response.json()) as { id: number };
          answeredAt.set(id, now);
          for (const arrived of early.get(id) ?? []) latencies.push(Math.max(0, arrived - now));
        }),
      );
    }
    await Promise.all(writes);
    const achieved = (RATE * SECONDS) / ((performance.now() - started) / 1000);
    await sleep(smoke ? 500 : 2000); // the last deliveries
    for (const stream of streams) stream.close();
    latencies.sort((a, b) => a - b);
    const expected = RATE * SECONDS * DEVICES;
    lines.push(
      `## Commit to client: ${USERS * DEVICES} streams (${USERS} users × ${DEVICES} devices), ${RATE} changes a second for ${SECONDS} s`,
      "",
      "| deliveries | expected | changes/s achieved | p50 | p99 | max |",
      "| --- | --- | --- | --- | --- | --- |",
      `| ${latencies.length} | ${expected} | ${achieved.toFixed(0)} | ${ms(percentile(latencies, 0.5))} | ${ms(percentile(latencies, 0.99))} | ${ms(latencies.at(-1) ?? Number.NaN)} |`,
      "",
    );
    await sleep(smoke ? 500 : 3000); // the closed streams are gone from the server

    // ---- Memory and idle CPU per stream ----
    const baseline = server.rss();
    const rows = [`| 0 | ${mb(baseline)} | – | – |`];
    const idle: Stream[] = [];
    for (const count of IDLE_STREAMS) {
      while (idle.length < count) {
        const batch = [];
        for (let i = 0; i < 500 && idle.length < count; i++) {
          const user = users[idle.length % users.length] as (typeof users)[number];
          const stream = openStream(base, user.token);
          idle.push(stream);
          batch.push(stream.ready);
        }
        await Promise.all(batch);
      }
      await sleep(SETTLE_MS);
      const rss = server.rss();
      const cpuBefore = cpuMs(server.process.pid as number);
      await sleep(IDLE_MS);
      const cpuPercent = ((cpuMs(server.process.pid as number) - cpuBefore) / IDLE_MS) * 100;
      rows.push(
        `| ${count} | ${mb(rss)} | ${((rss - baseline) / count / 1024).toFixed(1)} KB | ${cpuPercent.toFixed(1)}% |`,
      );
    }
    for (const stream of idle) stream.close();
    lines.push(
      "## Idle streams: the server's memory and CPU",
      "",
      "| open streams | server RSS | per stream | server CPU while idle (of one core) |",
      "| --- | --- | --- | --- |",
      ...rows,
      "",
    );
  } finally {
    await server.stop();
  }
});

const report = `# Event stream (GET /api/me/events)

The API bundle in its own process (\`NODE_ENV=production\`, \`LOG_LEVEL=warn\`) on local Postgres
(throw-away database); the clients (fetch + eventsource-parser) and the writers in the
benchmark's process, on the same ${cpus().length}-core machine. Produced by \`npm run bench:events${smoke ? " -- --smoke" : ""}\` on
${new Date().toISOString().slice(0, 10)}, Node ${process.version}. A delivery that reached a stream before its
writer got the 201 counts as 0 ms. Memory is the server's RSS, garbage collection permitting.

${lines.join("\n")}`;
if (!smoke) writeFileSync(resultsFile, report);
console.log(report);
