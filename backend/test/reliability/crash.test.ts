// Crash safety (issue 7, part 3): the real server is killed with SIGKILL while eight clients write,
// restarted on the same database, and every acknowledged write (a 2xx the client received) must be
// there. A write cut by the kill may or may not have happened, but a bulk change is all or nothing.
//
// Each task has one writer at a time, so its state is known exactly: the last acknowledged state,
// plus at most one cut write whose result it may also show. After each restart the database is
// read back and every task must be in one of those states; the cut writes are then resolved to
// what the database shows, so later writes build on known ground.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, expect, it } from "vitest";
import { Browser } from "../browser.ts";
import { databaseKind, uniqueEmail } from "../helpers.ts";
import {
  killServers,
  type RunningServer,
  serverDatabase,
  startServer,
  stopServer,
} from "../server-process.ts";
import { recordFigures, size } from "./suite.ts";

const KILLS = size(3, 25);
const ACKNOWLEDGED_WRITES = size(100, 1000);
const CLIENTS = 8;

interface TaskState {
  version: number;
  title: string;
  is_completed: boolean;
}
/** What the database should show for a task: its fields, or that it is gone. */
type State = TaskState | "deleted";

interface Tracked {
  id: number;
  /** The state after the last acknowledged write. */
  acked: State;
  /** The state a write cut by a kill would have left, if it happened. */
  cut?: State;
  /** Tasks made for one bulk change are touched by nothing else. */
  bulkOnly?: boolean;
}

/** A bulk change cut by a kill: its tasks must show all of it or none of it. */
interface CutBulk {
  action: string;
  tasks: Tracked[];
}

const BULK_ACTIONS = ["complete", "uncomplete", "delete"] as const;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(killServers);
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** The run's database (see serverDatabase), dropped at the end. */
async function runDatabase(): Promise<Record<string, string>> {
  const { vars, drop } = await serverDatabase("crash");
  cleanups.push(drop);
  return vars;
}

/** The server's variables: a fixed secret and issuer, so sessions and tokens survive restarts. */
function serverEnv(database: Record<string, string>): Record<string, string> {
  return {
    ...database,
    BETTER_AUTH_SECRET: "reliability-suite-secret-of-at-least-32-characters",
    BETTER_AUTH_URL: "http://localhost:8000",
    RATE_LIMIT_ENABLED: "false",
  };
}

const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));
const pick = <T>(items: readonly T[]): T => items[random(0, items.length - 1)] as T;
const same = (a: State, b: State) =>
  a === "deleted" || b === "deleted"
    ? a === b
    : a.version === b.version && a.title === b.title && a.is_completed === b.is_completed;
const stateOf = (task: TaskState): TaskState => ({
  version: task.version,
  title: task.title,
  is_completed: task.is_completed,
});

it(
  `keeps every acknowledged write and no half bulk across ${KILLS} SIGKILLs (${databaseKind})`,
  async () => {
    const started = performance.now();
    const env = serverEnv(await runDatabase());
    let server: RunningServer = await startServer(env);

    // One sign-up: the session cookie outlives every restart, and fetches a token after each one.
    const signedUp = new Browser(server.url);
    expect((await signedUp.signUp(uniqueEmail("crash"))).status).toBe(200);
    let token = "";
    const refreshToken = async () => {
      const browser = new Browser(server.url);
      for (const [name, value] of signedUp.cookies) browser.cookies.set(name, value);
      const response = await browser.get("/api/auth/token");
      expect(response.status).toBe(200);
      token = ((await response.json()) as { token: string }).token;
    };
    await refreshToken();

    const tasks = new Map<number, Tracked>();
    /** Titles of creates cut by a kill: each may exist once, or not at all. */
    let cutCreates = new Set<string>();
    let cutBulks: CutBulk[] = [];
    const figures = {
      kills: 0,
      acknowledgedWrites: 0,
      writesChecked: 0,
      cutWrites: 0,
      cutWritesApplied: 0,
      bulksAcknowledged: 0,
      bulksCut: 0,
      reopens: 0,
      staleLocksTakenOver: 0,
    };
    const lost: string[] = [];
    const halfApplied: string[] = [];
    /** Anything a live server should never answer (non-2xx, a duplicate, an unknown task). */
    const unexpected: string[] = [];
    let stopping = false;
    let killAt = 0;
    let kill = () => {};
    /** Every other round aims its kill at a bulk transaction: the first sent after `killAt`. */
    let aimAtBulk = false;
    let killOnBulk = false;
    let titles = 0;

    /** Sends one write; answers its 2xx body, or undefined when the write was cut. */
    async function write(method: string, path: string, body?: unknown, headers = {}) {
      let response: Response;
      try {
        response = await fetch(`${server.url}/api/me/tasks${path}`, {
          method,
          headers: {
            Authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { "Content-Type": "application/json" }),
            ...headers,
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await response.text();
        if (response.ok) {
          if (++figures.acknowledgedWrites === killAt) {
            if (aimAtBulk) killOnBulk = true;
            else kill();
          }
          return text ? JSON.parse(text) : {};
        }
        unexpected.push(`${method} ${path}: ${response.status} ${text}`);
      } catch (error) {
        // A reset or refused connection is the kill; anything else while the server lives is not.
        if (!stopping) unexpected.push(`${method} ${path}: ${(error as Error).message}`);
      }
      figures.cutWrites++;
      return undefined;
    }

    async function create(bulkOnly = false): Promise<Tracked | undefined> {
      const title = `task ${++titles}`;
      const created = await write("POST", "", { title }, { "Idempotency-Key": randomUUID() });
      if (!created) {
        cutCreates.add(title);
        return undefined;
      }
      if (created.title !== title)
        unexpected.push(`created ${JSON.stringify(created)} for ${title}`);
      const task: Tracked = { id: created.id, acked: stateOf(created), bulkOnly };
      tasks.set(task.id, task);
      return task;
    }

    /** A single-task write whose expected result is known before it is sent. */
    async function change(task: Tracked, next: State, send: () => Promise<unknown>) {
      task.cut = next;
      const result = (await send()) as TaskState | undefined;
      if (!result) return;
      delete task.cut;
      if (next !== "deleted" && !same(stateOf(result), next))
        unexpected.push(
          `task ${task.id}: expected ${JSON.stringify(next)}, got ${JSON.stringify(result)}`,
        );
      task.acked = next;
    }

    /** A bulk change on tasks made for it alone, so nothing else can blur what it did. */
    async function bulk() {
      const group: Tracked[] = [];
      for (let i = random(2, 8); i > 0; i--) {
        const task = await create(true);
        if (!task) return;
        group.push(task);
      }
      const action = pick(BULK_ACTIONS);
      for (const task of group) {
        const before = task.acked as TaskState;
        task.cut =
          action === "delete"
            ? "deleted"
            : { ...before, version: before.version + 1, is_completed: action === "complete" };
      }
      const ids = group.map((task) => task.id);
      const sent = write("POST", "/bulk", { action, ids });
      if (killOnBulk) {
        killOnBulk = false;
        setTimeout(kill, random(0, 5)); // before, during or after its transaction
      }
      const result = await sent;
      if (!result) {
        figures.bulksCut++;
        cutBulks.push({ action, tasks: group });
        return;
      }
      figures.bulksAcknowledged++;
      if (JSON.stringify(result.ids) !== JSON.stringify(ids))
        unexpected.push(`bulk ${action} ${ids} answered ${JSON.stringify(result)}`);
      for (const task of group) {
        task.acked = task.cut as State;
        delete task.cut;
      }
    }

    /** One client: random writes on its own tasks until the kill. */
    async function client(own: Tracked[]) {
      while (!stopping) {
        const live = own.filter((task) => task.acked !== "deleted" && !task.cut);
        const task = live.length > 0 ? pick(live) : undefined;
        const before = task?.acked as TaskState;
        const roll = Math.random();
        if (!task || roll < 0.3) {
          const created = await create();
          if (created) own.push(created);
        } else if (roll < 0.55) {
          const title = `task ${++titles}`;
          const next = { ...before, title, version: before.version + 1 };
          // Half the edits are conditional: a 412 would mean the client's model is wrong.
          const headers = Math.random() < 0.5 ? { "If-Match": `"${before.version}"` } : {};
          await change(task, next, () => write("PATCH", `/${task.id}`, { title }, headers));
        } else if (roll < 0.75) {
          const toggle = Math.random() < 0.5;
          const is_completed = toggle ? !before.is_completed : Math.random() < 0.5;
          const next = { ...before, is_completed, version: before.version + 1 };
          const body = toggle ? undefined : { is_completed };
          await change(task, next, () => write("PATCH", `/${task.id}/complete`, body));
        } else if (roll < 0.85) {
          await change(task, "deleted", () => write("DELETE", `/${task.id}`));
        } else {
          await bulk();
        }
      }
    }

    /** Every task the server has, read back through the API. */
    async function readBack(): Promise<(TaskState & { id: number })[]> {
      const all: (TaskState & { id: number })[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
        const response = await fetch(`${server.url}/api/me/tasks?limit=100${query}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        expect(response.status).toBe(200);
        const page = (await response.json()) as {
          items: (TaskState & { id: number })[];
          next_cursor: string | null;
        };
        all.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      return all;
    }

    /** Compares the database with what the clients were told, and resolves the cut writes. */
    async function check() {
      const actual = new Map((await readBack()).map((task) => [task.id, task]));
      const stateIn = (id: number): State => {
        const task = actual.get(id);
        return task ? stateOf(task) : "deleted";
      };
      for (const bulk of cutBulks) {
        const applied = bulk.tasks.filter((task) => task.cut && same(stateIn(task.id), task.cut));
        if (applied.length > 0 && applied.length < bulk.tasks.length)
          halfApplied.push(
            `${bulk.action} ${bulk.tasks.map((t) => t.id)}: ${applied.length} applied`,
          );
      }
      for (const task of tasks.values()) {
        const now = stateIn(task.id);
        if (task.cut && same(now, task.cut)) {
          figures.cutWritesApplied++;
          task.acked = now;
        } else if (!same(now, task.acked)) {
          lost.push(
            `task ${task.id}: acknowledged ${JSON.stringify(task.acked)}, found ${JSON.stringify(now)}`,
          );
          task.acked = now; // report each loss once
        }
        delete task.cut;
      }
      for (const [id, task] of actual) {
        if (tasks.has(id)) continue;
        if (cutCreates.has(task.title)) {
          // A cut create that committed: tracked from now on, like any other task.
          cutCreates.delete(task.title);
          figures.cutWritesApplied++;
          tasks.set(id, { id, acked: stateOf(task) });
        } else {
          unexpected.push(`task ${id} (${task.title}) was never created, or created twice`);
        }
      }
      cutCreates = new Set();
      cutBulks = [];
      figures.writesChecked = figures.acknowledgedWrites;
    }

    while (figures.kills < KILLS || figures.acknowledgedWrites < ACKNOWLEDGED_WRITES) {
      // Each round deals the tasks out afresh: one writer per task.
      const free = [...tasks.values()].filter((task) => task.acked !== "deleted" && !task.bulkOnly);
      const clients = Array.from({ length: CLIENTS }, (_, i) =>
        client(free.filter((_, j) => j % CLIENTS === i)),
      );
      // The kill comes after a random number of acknowledged writes (a count, not a time: the
      // server's speed varies with the machine's load), with the other clients' writes in flight;
      // the round lengths still reach both totals in KILLS rounds.
      const roundsLeft = Math.max(1, KILLS - figures.kills);
      const writesLeft = Math.max(1, ACKNOWLEDGED_WRITES - figures.acknowledgedWrites);
      const length = random(1, 2 * Math.ceil(writesLeft / roundsLeft));
      killAt =
        figures.acknowledgedWrites + (roundsLeft === 1 ? Math.max(length, writesLeft) : length);
      aimAtBulk = figures.kills % 2 === 1;
      await new Promise<void>((resolve) => {
        kill = resolve;
      });
      stopping = true;
      await stopServer(server, "SIGKILL");
      figures.kills++;
      if (env.DATA_DIR && existsSync(join(env.DATA_DIR, "pglite.lock")))
        figures.staleLocksTakenOver++;
      await Promise.all(clients);
      stopping = false;

      // The killed process left its lock and a database that was never shut down: both must reopen.
      server = await startServer(env);
      figures.reopens++;
      await refreshToken();
      await check();
      expect({ lost, halfApplied, unexpected }).toEqual({
        lost: [],
        halfApplied: [],
        unexpected: [],
      });
    }
    expect(await stopServer(server)).toBe(0);

    const seconds = Math.round((performance.now() - started) / 100) / 10;
    recordFigures("crash", { ...figures, lost: 0, halfAppliedBulks: 0, seconds });
    console.log(`crash (${databaseKind}): ${JSON.stringify({ ...figures, seconds })}`);
  },
  size(90_000, 900_000),
);
