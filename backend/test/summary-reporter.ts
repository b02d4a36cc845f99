// Ends the run with one plain line, "<database>: N passed, N failed, N skipped", that CI reads.
// On a Postgres run, a skipped test is a test that proved nothing on Postgres: the run fails
// instead of passing green. (On PGlite, the Postgres-only tests are skipped, visibly.)
import type { Reporter, TestModule } from "vitest/node";
import { loadTestEnv } from "../src/env.ts";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const onPostgres = Boolean(loadTestEnv().TEST_DATABASE_URL);
    const tests = testModules.flatMap((module) =>
      [...module.children.allTests()].map((test) => ({ module, test, state: test.result().state })),
    );
    const count = (state: string) => tests.filter((t) => t.state === state).length;
    // A file that fails to load has no tests to count; it counts as one failure.
    const unloadable = testModules.filter(
      (m) => m.state() === "failed" && !tests.some((t) => t.module === m),
    );
    const failed = count("failed") + unloadable.length;
    console.log(
      `\n${onPostgres ? "Postgres" : "PGlite"}: ${count("passed")} passed, ${failed} failed, ${count("skipped")} skipped`,
    );

    if (!onPostgres) return;
    const skipped = tests.filter((t) => t.state === "skipped");
    if (tests.length === 0 || skipped.length > 0) {
      console.error(
        `Postgres run refused: ${tests.length === 0 ? "no test ran" : `${skipped.length} test(s) skipped`}`,
      );
      for (const { module, test } of skipped)
        console.error(`  ${module.moduleId}: ${test.fullName}`);
      process.exitCode = 1;
    }
  }
}
