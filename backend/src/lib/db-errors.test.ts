// Which failures mean "the database is unreachable, retry later" (503) rather than a bug (500).
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./db-errors.ts";

/** How Drizzle wraps a driver's error: the SQL and its parameters in the message, the cause kept. */
function drizzleError(cause: unknown, params = "") {
  return Object.assign(new Error(`Failed query: select 1\nparams: ${params}`), {
    name: "DrizzleQueryError",
    cause,
  });
}
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("isDatabaseUnavailable", () => {
  it.each([
    [
      "connection refused",
      drizzleError(withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")),
    ],
    ["connection reset", withCode("read ECONNRESET", "ECONNRESET")],
    [
      "server shutting down (57P01)",
      drizzleError(withCode("terminating connection due to administrator command", "57P01")),
    ],
    ["server starting up (57P03)", withCode("the database system is starting up", "57P03")],
    ["connection exception class 08", withCode("connection failure", "08006")],
    ["too many connections", withCode("sorry, too many clients already", "53300")],
    ["pool connect timeout", drizzleError(new Error("timeout exceeded when trying to connect"))],
    ["connection closed mid-query", drizzleError(new Error("Connection terminated unexpectedly"))],
  ])("%s: unavailable", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation", drizzleError(withCode("duplicate key value", "23505"))],
    ["a bug", new TypeError("cannot read properties of undefined")],
    // User data in the quoted parameters must not decide: only the driver's own error does.
    [
      "a title that reads like a network error",
      drizzleError(withCode("value too long", "22001"), "Connection terminated ECONNREFUSED"),
    ],
    ["nothing", undefined],
  ])("%s: not unavailable", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
