// On a Postgres run, a skipped test is a test that did not prove anything on Postgres: fail the run
// instead of letting it pass green. (On PGlite, nothing is skipped either, but it is allowed.)
import type { Reporter, TestModule } from "vitest/node";
import { loadTestEnv } from "../src/env.ts";

export default class NoSkipsOnPostgres implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    if (!loadTestEnv().TEST_DATABASE_URL) return;
    const skipped = testModules.flatMap((module) =>
      [...module.children.allTests()]
        .filter((test) => test.result().state === "skipped")
        .map((test) => `${module.moduleId}: ${test.fullName}`),
    );
    const ran = testModules.reduce((n, module) => n + [...module.children.allTests()].length, 0);
    if (ran === 0 || skipped.length > 0) {
      console.error(
        `\nPostgres run refused: ${ran === 0 ? "no test ran" : `${skipped.length} test(s) skipped`}\n${skipped.join("\n")}`,
      );
      process.exitCode = 1;
    }
  }
}
