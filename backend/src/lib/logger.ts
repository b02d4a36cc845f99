import { type Logger, pino } from "pino";
import type { Env } from "../env.ts";

export type { Logger };

/** JSON lines for machines; colourised lines when a developer watches a terminal. */
export function createLogger(env: Pick<Env, "LOG_LEVEL" | "NODE_ENV">): Logger {
  const pretty = env.NODE_ENV !== "production" && process.stdout.isTTY === true;
  return pino({
    level: env.LOG_LEVEL,
    // Credentials must never reach a log, whatever object a caller passes.
    redact: [
      "*.password",
      "*.authorization",
      "*.cookie",
      "req.headers.authorization",
      "req.headers.cookie",
    ],
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
