// The model-based test's world (model.test.ts): the server and database of the run, its three
// users, and the in-memory model of their tasks that every command is checked against.
import { randomUUID } from "node:crypto";
import { beforeAll, expect } from "vitest";
import type { Task } from "../../src/db/schema.ts";
import { Browser } from "../browser.ts";
import { type ServedApp, testConfig, uniqueEmail, useTestServer } from "../helpers.ts";

export const PASSWORD = "a long unusual passphrase 42";

export interface ApiUser {
  id: string;
  email: string;
  browser: Browser;
  token: string;
  tokenAt: number;
}

let app: ServedApp | undefined;
/** The three users, signed up once per file: each sign-up costs ~100 ms of scrypt. */
export const users: ApiUser[] = [];
/** A user id that is nobody's: in the path, 403 like another user's. */
export const stranger = randomUUID();
/** Ids of our tasks deleted so far, in this run or by an earlier run's reset. */
export const gone: number[] = [];
export const figures = { runs: 0, commands: 0, requests: 0, statuses: new Map<number, number>() };

/** Serves the app for the run and signs its three users up, for the tests of the calling file. */
export function useModelWorld(): void {
  // The per-user API limit (600 a minute) is on in tests; these users send thousands a minute.
  // Wrong sign-ins (the sign-in command) never lock an account here: the lock has tests of its own.
  const served = useTestServer(
    testConfig({
      API_RATE_LIMIT_MAX: 1_000_000,
      SIGN_IN_FAILURES_MAX: 1_000_000,
      SIGN_IN_FAILURES_ACCOUNT_MAX: 1_000_000,
    }),
  );
  app = served;
  beforeAll(async () => {
    const signedUp = await Promise.all(
      [0, 1, 2].map(async () => {
        const browser = new Browser(served.server.url);
        const email = uniqueEmail("model");
        const signUp = await browser.signUp(email, PASSWORD);
        expect(signUp.status).toBe(200);
        const { user } = (await signUp.json()) as { user: { id: string } };
        return { id: user.id, email, browser, token: await tokenFor(browser), tokenAt: Date.now() };
      }),
    );
    users.splice(0, users.length, ...signedUp);
  });
}

/** The run's server and database (useModelWorld serves them). */
export function served(): ServedApp {
  if (!app) throw new Error("the model's world is not served: call useModelWorld()");
  return app;
}

export async function tokenFor(browser: Browser): Promise<string> {
  const response = await browser.get("/api/auth/token");
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

// ---- The model ----

export interface Model {
  /** Every live task of the three users, as the API must show it. */
  tasks: Map<number, Task>;
  /**
   * Tasks a bulk change just changed: only the database tells their new updated_at. The value says
   * whether completed_at becomes that updated_at (a pending task completed).
   */
  learn: Map<number, boolean>;
}

export const userOf = (index: number): ApiUser => {
  const user = users[index];
  if (!user) throw new Error(`no user ${index}`);
  return user;
};
export const ownTasks = (model: Model, user: number) =>
  [...model.tasks.values()].filter((task) => task.user_id === userOf(user).id);
export const ownTask = (model: Model, user: number, id: number) => {
  const task = model.tasks.get(id);
  return task?.user_id === userOf(user).id ? task : undefined;
};
export const etagOf = (task: Task) => `"${task.version}"`;

/** A timestamp as microseconds since the epoch (exact: well under 2^53), to order and compare. */
export function micros(iso: string): number {
  const [whole = "", fraction = ""] = iso.replace("Z", "").split(".");
  return Date.parse(`${whole}Z`) * 1000 + Number(fraction.padEnd(6, "0"));
}
