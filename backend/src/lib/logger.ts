import { type Logger, type LoggerOptions, pino } from "pino";
import type { Env } from "../env.ts";

export type { Logger };

/**
 * What every logger of the app does to what it is given (the tests' loggers too): credentials are
 * never written, and errors lose the user data that database drivers hang on them.
 */
export const loggerOptions = {
  // Credentials must never reach a log, whatever object a caller passes.
  redact: [
    "*.password",
    "*.authorization",
    "*.cookie",
    "req.headers.authorization",
    "req.headers.cookie",
  ],
  hooks: {
    // Before pino sees them: given an error without a message, pino takes the error's message.
    logMethod(args, method) {
      const [first, ...rest] = args as unknown[];
      if (first instanceof Error) {
        return method.apply(this, [{ err: loggableError(first) }, ...rest] as typeof args);
      }
      if (typeof first === "object" && first !== null) {
        const object = withLoggableErrors(first as Record<string, unknown>, 0);
        return method.apply(this, [object, ...rest] as typeof args);
      }
      return method.apply(this, args);
    },
  },
  // Errors arrive as loggableError's plain objects, already in the shape pino's serializer gives;
  // that serializer would call them errors of type "Object".
  serializers: { err: (value: unknown) => value },
} satisfies LoggerOptions;

/** JSON lines for machines; colourised lines when a developer watches a terminal. */
export function createLogger(env: Pick<Env, "LOG_LEVEL" | "NODE_ENV">): Logger {
  const pretty = env.NODE_ENV !== "production" && process.stdout.isTTY === true;
  return pino({
    level: env.LOG_LEVEL,
    ...loggerOptions,
    ...(pretty
      ? {
          transport: {
            target: "pino-pretty",
            options: { ignore: "pid,hostname", translateTime: "HH:MM:ss" },
          },
        }
      : {}),
  });
}

// ---- Errors without user data ----

/**
 * The fields of an error (and of its causes) that locate a fault without carrying user data.
 * Left out, among others: Drizzle's `params` (the query's values: titles, emails, password
 * hashes), the driver's `detail` ("Failing row contains (…)", "Key (email)=(…) already exists"),
 * `where` and `internalQuery`.
 */
const KEPT_FIELDS = [
  "code",
  "errno",
  "syscall",
  "address",
  "port",
  "status",
  "statusCode",
  "severity",
  "schema",
  "table",
  "column",
  "constraint",
  "dataType",
  "routine",
  "query", // the SQL text, with $1, $2… in place of the values
] as const;

/** Driver messages that quote the value they refused. */
const QUOTED_VALUE_MESSAGES: [RegExp, string][] = [
  // Drizzle's DrizzleQueryError: "Failed query: <sql>\nparams: <values>".
  [/(\nparams: )[\s\S]*$/, "$1[redacted]"],
  [/(invalid input (?:syntax|value) for (?:type|enum) [^:]+: )"[\s\S]*"$/, '$1"[redacted]"'],
  [/^(value )"[\s\S]*"( is out of range for type)/, '$1"[redacted]"$2'],
];

function redactMessage(message: string): string {
  let redacted = message;
  for (const [pattern, replacement] of QUOTED_VALUE_MESSAGES) {
    redacted = redacted.replace(pattern, replacement);
  }
  return redacted;
}

/** An error as it may be logged: type, message, stack, the KEPT_FIELDS and its causes, alike. */
export function loggableError(error: Error, depth = 0): Record<string, unknown> {
  const message = redactMessage(error.message);
  const source = error as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {
    type: error.constructor?.name ?? error.name,
    message,
    // The stack starts with the message: the same values in it.
    ...(typeof error.stack === "string"
      ? { stack: redactMessage(error.stack.replace(error.message, message)) }
      : {}),
  };
  for (const field of KEPT_FIELDS) {
    if (source[field] !== undefined && typeof source[field] !== "object") {
      out[field] = source[field];
    }
  }
  if (depth < 5) {
    if (error.cause !== undefined) out.cause = loggableValue(error.cause, depth + 1);
    if (error instanceof AggregateError) out.errors = loggableValue(error.errors, depth + 1);
  }
  return out;
}

function loggableValue(value: unknown, depth: number): unknown {
  if (value instanceof Error) return loggableError(value, depth);
  if (depth > 5 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => loggableValue(item, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value; // a Date, a Buffer…
  return withLoggableErrors(value as Record<string, unknown>, depth + 1);
}

/** The log line's fields with every error in them, however deep (Better Auth's `args`), made loggable. */
function withLoggableErrors(object: Record<string, unknown>, depth: number) {
  let changed: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(object)) {
    const loggable = loggableValue(value, depth);
    if (loggable !== value) {
      changed ??= { ...object };
      changed[key] = loggable;
    }
  }
  return changed ?? object;
}
