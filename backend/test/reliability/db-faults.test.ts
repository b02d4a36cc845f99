import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { Browser } from "../browser.ts";
import { postgres, startTestServer, testConfig, uniqueEmail } from "../helpers.ts";
import { killServers, startServer, stopServer } from "../server-process.ts";
import { neonThroughProxy } from "../ws-proxy.ts";
import { type PrivatePostgres, postgresBinDir, startPrivatePostgres } from "./private-postgres.ts";
import { FULL, recordFigures, size } from "./suite.ts";

/** No request may take longer than this, outage or not: the API fails fast instead of hanging. */
const MAX_LATENCY_MS = 6_000;
/** When the network swallows packets, requests end at the app's 8 s request deadline. */
const BLACKHOLE_MAX_LATENCY_MS = 9_500;
/** The API must serve again within this long after the database is back. */
const MAX_RECOVERY_MS = 10_000;
const OUTAGE_MS = 3_000;
const WRITERS = 6;
// The writers send far more than a person would: the per-user limit is not under test here.
const NO_LIMIT = 1_000_000;
const SECRET = "reliability-db-faults-secret-at-least-32-chars";

interface Outcome {
  status: number; // 0: the connection itself failed
  ms: number;
  at: number;
  id?: number;
  problem?: boolean;
  retryAfter?: string | null;
}

/** Clients writing tasks back to back until stopped, recording every outcome. */
function startWriters(baseUrl: string, token: string) {
  const outcomes: Outcome[] = [];
  let running = true;
  let n = 0;
  const write = async (): Promise<Outcome> => {
    const started = Date.now();
    try {
      const response = await fetch(`${baseUrl}/api/me/tasks`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ title: `write ${n++}` }),
        signal: AbortSignal.timeout(BLACKHOLE_MAX_LATENCY_MS * 2),
      });
      const body = (await response.json()) as { id?: number };
      return {
        status: response.status,
        ms: Date.now() - started,
        at: started,
        ...(response.status === 201 ? { id: body.id } : {}),
        problem: response.headers.get("content-type")?.startsWith("application/problem+json"),
        retryAfter: response.headers.get("retry-after"),
      };
    } catch {
      return { status: 0, ms: Date.now() - started, at: started };
    }
  };
  const loops = Array.from({ length: WRITERS }, async () => {
    while (running) {
      const outcome = await write();
      outcomes.push(outcome);
      // A refused write is retried a little later, as a client would (sooner than Retry-After,
      // to see the recovery as it happens).
      await sleep(outcome.status === 201 ? 5 : 100);
    }
  });
  return {
    outcomes,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

async function readyStatus(baseUrl: string): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  return { status: response.status, ms: Date.now() - started };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const PASSWORD = "a long unusual passphrase 42";

async function signUp(baseUrl: string): Promise<{ token: string; userId: string; email: string }> {
  const browser = new Browser(baseUrl);
  const email = uniqueEmail("faults");
  const signUpResponse = await browser.signUp(email, PASSWORD);
  expect(signUpResponse.status).toBe(200);
  const { user } = (await signUpResponse.json()) as { user: { id: string } };
  const { token } = (await (await browser.get("/api/auth/token")).json()) as { token: string };
  return { token, userId: user.id, email };
}

interface Fault {
  name: string;
  down: () => void | Promise<void>;
  up: () => void | Promise<void>;
  /** The slowest a request may be during this fault (default MAX_LATENCY_MS). */
  maxMs?: number;
  /** Another request to make during the outage, which must be refused with 503 too. */
  probe?: () => Promise<Response>;
}

interface FaultFigures {
  requests: number;
  acknowledged: number;
  refused503: number;
  maxMs: number;
  recoveryMs: number;
}

/**
 * One outage under load: writes for a second, takes the database away for OUTAGE_MS (checking
 * /readyz), brings it back, measures how long until writes succeed again, writes a second more.
 */
async function outageUnderLoad(
  baseUrl: string,
  token: string,
  fault: Fault,
): Promise<FaultFigures & { ids: number[] }> {
  const writers = startWriters(baseUrl, token);
  await sleep(1_000);
  await fault.down();
  const downAt = Date.now();
  await sleep(500);
  const readyDown = await readyStatus(baseUrl);
  expect(readyDown.status, `${fault.name}: /readyz while the database is down`).toBe(503);
  expect(readyDown.ms).toBeLessThan(MAX_LATENCY_MS);
  if (fault.probe) {
    const response = await fault.probe();
    expect(response.status, `${fault.name}: ${response.url} during the outage`).toBe(503);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(response.headers.get("retry-after")).toBe("5");
  }
  await sleep(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));
  // Requests stuck in a black hole end at the deadline: let them, so the outage is seen whole.
  if (fault.maxMs) await sleep(fault.maxMs - OUTAGE_MS);
  await fault.up();
  const upAt = Date.now();
  let recoveredAt = 0;
  while (Date.now() - upAt < MAX_RECOVERY_MS + 5_000) {
    const ok = writers.outcomes.find((o) => o.at >= upAt && o.status === 201);
    if (ok) {
      recoveredAt = ok.at + ok.ms;
      break;
    }
    await sleep(50);
  }
  await sleep(1_000);
  const outcomes = await writers.stop();
  expect((await readyStatus(baseUrl)).status, `${fault.name}: /readyz after recovery`).toBe(200);

  const bad = outcomes.filter(
    (o) => o.status !== 201 && !(o.status === 503 && o.problem && o.retryAfter),
  );
  expect(
    { count: bad.length, first: bad.slice(0, 3) },
    `${fault.name}: every write is done or refused with 503 + Retry-After`,
  ).toEqual({ count: 0, first: [] });
  const refused = outcomes.filter((o) => o.status === 503);
  expect(refused.length, `${fault.name}: writes during the outage are refused`).toBeGreaterThan(0);
  const maxMs = Math.max(...outcomes.map((o) => o.ms));
  expect(maxMs, `${fault.name}: slowest request`).toBeLessThan(fault.maxMs ?? MAX_LATENCY_MS);
  expect(
    recoveredAt,
    `${fault.name}: writes succeed again after the database is back`,
  ).toBeGreaterThan(0);
  const recoveryMs = recoveredAt - upAt;
  expect(recoveryMs).toBeLessThan(MAX_RECOVERY_MS);
  const ids = outcomes.flatMap((o) => (o.id === undefined ? [] : [o.id]));
  return {
    requests: outcomes.length,
    acknowledged: ids.length,
    refused503: refused.length,
    maxMs,
    recoveryMs,
    ids,
  };
}

/** Every acknowledged write is in the database (read directly, not through the API). */
async function expectAllPresent(url: string, userId: string, ids: number[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: number }>("select id from tasks where user_id = $1", [
      userId,
    ]);
    const present = new Set(rows.map((row) => row.id));
    expect(
      ids.filter((id) => !present.has(id)),
      "acknowledged writes missing",
    ).toEqual([]);
    return ids.length;
  } finally {
    await client.end();
  }
}

function summarise(all: FaultFigures[]) {
  return {
    requests: all.reduce((sum, f) => sum + f.requests, 0),
    acknowledged: all.reduce((sum, f) => sum + f.acknowledged, 0),
    refused503: all.reduce((sum, f) => sum + f.refused503, 0),
    slowestMs: Math.max(...all.map((f) => f.maxMs)),
    slowestRecoveryMs: Math.max(...all.map((f) => f.recoveryMs)),
  };
}

// A Postgres server of its own to stop and start: only in the Postgres run, where the machine has
// a server installed (the PGlite run has no server to lose).
describe.skipIf(!postgres || !postgresBinDir())("database faults under load", () => {
  let server: PrivatePostgres;
  beforeAll(async () => {
    server = await startPrivatePostgres();
  });
  afterAll(async () => {
    killServers();
    await server?.destroy();
  });

  const cycles = size(2, 6);

  it(
    "node-postgres: Postgres stops (cleanly and as a crash) under load: fast 503s, recovery, nothing lost",
    async () => {
      const api = await startServer({
        DATABASE_URL: server.url,
        BETTER_AUTH_SECRET: SECRET,
        RATE_LIMIT_ENABLED: "false",
        API_RATE_LIMIT_MAX: String(NO_LIMIT),
      });
      const { token, userId, email } = await signUp(api.url);
      const results: FaultFigures[] = [];
      let ids: number[] = [];
      for (let cycle = 0; cycle < cycles; cycle++) {
        const mode = cycle % 2 === 0 ? "fast" : "immediate";
        const result = await outageUnderLoad(api.url, token, {
          name: `Postgres stop -m ${mode}`,
          down: () => server.stop(mode),
          up: () => server.start(),
          // Signing in and up need the database too (Better Auth): refused the same way.
          probe: () =>
            mode === "fast"
              ? new Browser(api.url).signIn(email, PASSWORD)
              : new Browser(api.url).signUp(uniqueEmail("during-outage"), PASSWORD),
        });
        results.push(result);
        ids = ids.concat(result.ids);
      }
      const checked = await expectAllPresent(server.url, userId, ids);
      expect(await stopServer(api)).toBe(0);
      const figures = { outages: cycles, ...summarise(results), writesChecked: checked, lost: 0 };
      console.log("db faults (node-postgres):", figures);
      recordFigures("faults-pg", figures, "Postgres");
    },
    cycles * 20_000 + 30_000,
  );

  describe("Neon serverless driver through its WebSocket proxy", () => {
    const proxy = neonThroughProxy();

    it(
      "WebSocket connections drop, then Postgres stops, under load: fast 503s, recovery, nothing lost",
      async () => {
        const database = await openDatabase({
          url: server.url,
          driver: "neon",
          dataDir: "unused",
          // The pool reports idle connections that drop; the app logs them. Nothing to do here.
          onPoolError: () => {},
        });
        await migrate(database.db);
        const api = await startTestServer(
          database,
          testConfig({ secret: SECRET, API_RATE_LIMIT_MAX: NO_LIMIT }),
        );
        try {
          const { token, userId } = await signUp(api.url);
          const results: FaultFigures[] = [];
          let ids: number[] = [];
          const faults: Fault[] = [
            {
              name: "WebSocket connections drop",
              down: () => proxy().setState("drop"),
              up: () => proxy().setState("up"),
            },
            {
              name: "the network swallows the WebSocket traffic",
              down: () => proxy().setState("blackhole"),
              up: () => proxy().setState("up"),
              maxMs: BLACKHOLE_MAX_LATENCY_MS,
            },
            {
              name: "Postgres stops behind the WebSocket proxy",
              down: () => server.stop("fast"),
              up: () => server.start(),
            },
          ];
          const cycle = FULL ? [...faults, ...faults] : faults.slice(0, 2);
          for (const fault of cycle) {
            const result = await outageUnderLoad(api.url, token, fault);
            results.push(result);
            ids = ids.concat(result.ids);
          }
          const checked = await expectAllPresent(server.url, userId, ids);
          const figures = {
            outages: cycle.length,
            ...summarise(results),
            writesChecked: checked,
            lost: 0,
          };
          console.log("db faults (Neon WebSocket):", figures);
          recordFigures("faults-neon", figures, "Postgres");
        } finally {
          await api.close();
          await database.close();
        }
      },
      size(2, 6) * 25_000 + 30_000,
    );
  });
});
