// Graceful shutdown (issue 7, part 4): SIGTERM while 100 writes are in flight. Each write either
// completes (a 2xx, and the task is there after a restart) or fails fast (a refused or reset
// connection, or a 5xx), never hangs; the process exits 0 within the 10 s grace period; and the
// database reopens clean.
import { randomUUID } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { afterAll, afterEach, expect, it } from "vitest";
import { Browser } from "../browser.ts";
import { databaseKind, uniqueEmail } from "../helpers.ts";
import { killServers, type RunningServer, serverDatabase, startServer } from "../server-process.ts";
import { recordFigures, size } from "./suite.ts";

const IN_FLIGHT = 100;
/** When SIGTERM comes; the full run tries each. */
const MOMENTS = ["at the first answer", "once all are sent", "at once"] as const;
const ROUNDS = size(1, MOMENTS.length);
/** server.ts abandons requests still running this long after SIGTERM. */
const GRACE_MS = 10_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(killServers);
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** The run's database (see serverDatabase), dropped at the end. */
async function runDatabase(): Promise<Record<string, string>> {
  const { vars, drop } = await serverDatabase("shutdown");
  cleanups.push(drop);
  return vars;
}

type Outcome =
  | { kind: "completed"; id: number; title: string }
  | { kind: "refused"; reason: string }
  | { kind: "wrong"; reason: string };

it(
  `SIGTERM during ${IN_FLIGHT} in-flight writes: each completes or is refused, the process exits within 10 s, the database reopens clean (${databaseKind})`,
  async () => {
    const env = {
      ...(await runDatabase()),
      // A fixed secret and issuer, so the session and its tokens survive the restarts.
      BETTER_AUTH_SECRET: "reliability-suite-secret-of-at-least-32-characters",
      BETTER_AUTH_URL: "http://localhost:8000",
      RATE_LIMIT_ENABLED: "false",
    };
    let server: RunningServer = await startServer(env);
    const signedUp = new Browser(server.url);
    expect((await signedUp.signUp(uniqueEmail("shutdown"))).status).toBe(200);
    const tokenFrom = async (url: string) => {
      const browser = new Browser(url);
      for (const [name, value] of signedUp.cookies) browser.cookies.set(name, value);
      const response = await browser.get("/api/auth/token");
      expect(response.status).toBe(200);
      return ((await response.json()) as { token: string }).token;
    };
    let token = await tokenFrom(server.url);

    /** Kept-alive sockets, one per write in flight, as a busy proxy holds them. */
    const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
    cleanups.push(() => agent.destroy());

    /** Sends a create; `sent` settles once the whole request is written to its socket. */
    function create(title: string): { sent: Promise<void>; outcome: Promise<Outcome> } {
      let markSent = () => {};
      const sent = new Promise<void>((resolve) => {
        markSent = resolve;
      });
      const outcome = new Promise<Outcome>((resolve) => {
        const refused = (error: NodeJS.ErrnoException) => {
          markSent();
          resolve({ kind: "refused", reason: error.code ?? error.message });
        };
        const request = httpRequest(
          `${server.url}/api/me/tasks`,
          {
            method: "POST",
            agent,
            headers: {
              Authorization: `Bearer ${token}`,
              "Content-Type": "application/json",
              "Idempotency-Key": randomUUID(),
            },
          },
          (response) => {
            let body = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => {
              body += chunk;
            });
            response.on("error", refused);
            response.on("end", () => {
              const status = response.statusCode ?? 0;
              if (status === 201) {
                resolve({ kind: "completed", id: (JSON.parse(body) as { id: number }).id, title });
              } else if (status >= 500) {
                resolve({ kind: "refused", reason: String(status) });
              } else {
                resolve({ kind: "wrong", reason: `${status} ${body}` });
              }
            });
          },
        );
        request.on("finish", markSent);
        request.on("error", refused);
        // Well past the grace period: a write still unanswered by then hung.
        request.setTimeout(GRACE_MS + 5_000, () => {
          resolve({ kind: "wrong", reason: "no answer: it hung" });
          request.destroy();
        });
        request.end(JSON.stringify({ title }));
      });
      return { sent, outcome };
    }

    const acknowledged: { id: number; title: string }[] = [];
    const figures = {
      inFlight: IN_FLIGHT,
      completed: 0,
      refused: 0,
      exitMs: 0,
      drainMs: 0,
      exitCode: 0,
      lost: 0,
    };
    for (let round = 0; round < ROUNDS; round++) {
      // An idle kept-alive connection, as browsers and proxies hold: it must not delay the exit.
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

      let lastAnswer = 0;
      const writes = Array.from({ length: IN_FLIGHT }, (_, i) => {
        const write = create(`round ${round} #${i}`);
        write.outcome.then(() => {
          lastAnswer = performance.now();
        });
        return write;
      });
      const moment = MOMENTS[round % MOMENTS.length];
      if (moment === "at the first answer") await Promise.race(writes.map((w) => w.outcome));
      if (moment === "once all are sent") await Promise.all(writes.map((w) => w.sent));
      const signalled = performance.now();
      server.child.kill("SIGTERM");
      const exitCode = await server.exited;
      const exited = performance.now();
      const outcomes = await Promise.all(writes.map((write) => write.outcome));

      expect(outcomes.filter((o) => o.kind === "wrong")).toEqual([]);
      expect(exitCode).toBe(0);
      const exitMs = Math.round(exited - signalled);
      expect(exitMs).toBeLessThan(GRACE_MS);
      // Once the last write is answered, nothing should hold the process: a connection kept
      // alive after its response would, for the server's keep-alive timeout (5 s).
      const drainMs = Math.round(exited - lastAnswer);
      expect(drainMs).toBeLessThan(2_000);

      const completed = outcomes.filter((o) => o.kind === "completed");
      acknowledged.push(...completed);
      figures.completed += completed.length;
      figures.refused += outcomes.length - completed.length;
      figures.exitMs = Math.max(figures.exitMs, exitMs);
      figures.drainMs = Math.max(figures.drainMs, drainMs);
      figures.exitCode = Math.max(figures.exitCode, exitCode ?? -1);

      // The same directory or database opens again, and holds every acknowledged write.
      server = await startServer(env);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      token = await tokenFrom(server.url);
      const missing: typeof acknowledged = [];
      for (const task of acknowledged) {
        const response = await fetch(`${server.url}/api/me/tasks/${task.id}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        const found = response.ok ? ((await response.json()) as { title: string }) : undefined;
        if (found?.title !== task.title) missing.push(task);
      }
      expect(missing).toEqual([]);
    }
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);

    recordFigures("shutdown", { ...figures, rounds: ROUNDS });
    console.log(`shutdown (${databaseKind}): ${JSON.stringify(figures)}`);
  },
  size(90_000, 180_000),
);
