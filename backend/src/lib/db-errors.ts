/** The Postgres error code (SQLSTATE) behind a failed query, whatever the driver or wrapper. */
export function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  while (current && typeof current === "object") {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export const FOREIGN_KEY_VIOLATION = "23503";

// Network failures on the way to the database server (Node's socket error codes).
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
// SQLSTATE class 08 (connection exception), 57P01-03 (the server is shutting down, crashed or
// starting up) and 53300 (too many connections): the query may well succeed in a moment.
const UNAVAILABLE_STATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
// What node-postgres and the Neon driver say when a connection dies or never opens.
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Query read timeout|WebSocket/i;

/**
 * Whether a failed query failed because the database could not be reached (down, restarting,
 * network cut), as opposed to a bug or a refused statement: the caller should retry later.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  while (current && typeof current === "object") {
    const { code, message, name } = current as {
      code?: unknown;
      message?: unknown;
      name?: unknown;
    };
    if (typeof code === "string" && (NETWORK_CODES.has(code) || UNAVAILABLE_STATE.test(code))) {
      return true;
    }
    // Drizzle's wrapper quotes the SQL and its parameters (user data): judge only the cause.
    if (name !== "DrizzleQueryError" && typeof message === "string") {
      if (UNAVAILABLE_MESSAGE.test(message)) return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
