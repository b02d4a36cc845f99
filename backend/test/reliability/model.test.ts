// Model-based isolation test (issue 7, part 1): random sequences of API commands by three users,
// each checked against a small in-memory model of every user's tasks. A command on another user's
// task must be a 404 that changes nothing, another user's id in the path a 403, a stale If-Match a
// 412; every response must be what the model predicts, match the OpenAPI contract, and never show
// another user's task; after every command the database must hold exactly the model's tasks. Each
// user holds an event stream all along, which must carry only that user's changes (model-streams.ts).
// A failure prints fast-check's seed: FC_SEED=<seed> replays the run and shrinks it again; adding
// FC_PATH=<path> and FC_REPLAY_PATH=<the counterexample's replayPath> goes straight to the shrunk case.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKind } from "../helpers.ts";
import { commandArb } from "./model-commands.ts";
import { freshModel } from "./model-run.ts";
import { expectOwnEventsOnly, type Watch, watchEvents } from "./model-streams.ts";
import { figures, served, useModelWorld, users } from "./model-world.ts";
import { recordFigures, size } from "./suite.ts";

const RUNS = size(25, 1_000);
const MAX_COMMANDS = size(40, 50);
const TIMEOUT_MS = size(60_000, 60 * 60_000);

useModelWorld();
// Each user holds an event stream all along: none may ever receive another user's change.
const watches: Watch[] = [];
beforeAll(() => {
  for (const user of users) watches.push(watchEvents(served().server.url, user));
});
afterAll(() => {
  for (const watch of watches) watch.stop();
});

/** fast-check's seed and path of a failure, to replay it. */
function replay(): fc.Parameters<unknown> {
  const { FC_SEED: seed, FC_PATH: path } = process.env;
  return {
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(path === undefined ? {} : { path }),
  };
}
/** The commands' own replay path, printed in the counterexample (the commands that really ran). */
const replayPath = process.env.FC_REPLAY_PATH;

describe(`model-based isolation between three users (${databaseKind})`, () => {
  it(
    `${RUNS} runs of up to ${MAX_COMMANDS} random commands match the model`,
    async () => {
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(
          fc.commands([commandArb], {
            maxCommands: MAX_COMMANDS,
            size: "max",
            ...(replayPath === undefined ? {} : { replayPath }),
          }),
          (commands) => fc.asyncModelRun(freshModel, commands),
        ),
        { numRuns: RUNS, ...replay() },
      );
      await new Promise((resolve) => setTimeout(resolve, 1000)); // the last events arrive
      const events = expectOwnEventsOnly(watches);
      expect(events).toBeGreaterThan(0);
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      const statuses = [...figures.statuses].sort(([a], [b]) => a - b);
      console.log(
        `model (${databaseKind}): ${figures.runs} runs, ${figures.commands} commands, ` +
          `${figures.requests} requests, 0 divergences, ${events} events (all their own), ${seconds} s; statuses ` +
          statuses.map(([status, count]) => `${status}×${count}`).join(" "),
      );
      recordFigures("model", {
        runs: figures.runs,
        commands: figures.commands,
        requests: figures.requests,
        divergences: 0,
        "events received, all the user's own": events,
        seconds,
        ...Object.fromEntries(statuses.map(([status, count]) => [`${status} answers`, count])),
      });
    },
    TIMEOUT_MS,
  );
});
