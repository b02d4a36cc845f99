import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Env } from "../env.ts";
import type { Logger } from "../lib/logger.ts";

/**
 * BETTER_AUTH_SECRET when set (env.ts requires it in production). Otherwise a random secret created
 * once and kept in DATA_DIR/auth-secret, so development sessions survive restarts.
 */
export function resolveAuthSecret(
  env: Pick<Env, "BETTER_AUTH_SECRET" | "DATA_DIR">,
  logger: Logger,
): string {
  if (env.BETTER_AUTH_SECRET) return env.BETTER_AUTH_SECRET;
  const path = join(env.DATA_DIR, "auth-secret");
  try {
    return readFileSync(path, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(env.DATA_DIR, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(path, secret, { mode: 0o600, flag: "wx" });
  logger.warn(
    `BETTER_AUTH_SECRET is not set: using a generated development secret kept in ${path}. Set BETTER_AUTH_SECRET in production.`,
  );
  return secret;
}
