// The web app's only reader of process.env, on the server: validated with Zod once, as this module
// loads, so a bad value stops the build or the start with one line naming the variable (never its
// value). frontend/.env.example lists every variable; Next.js loads frontend/.env into
// process.env before anything here runs, and real environment variables win.
//
// No `import "server-only"`: frontend/server.ts and next.config.ts import this too, outside the
// bundler that honours it. The check below keeps it out of the browser instead.
import { DEFAULT_API_PORT, trustedProxyList } from "@todo/contract/settings";
import { z } from "zod";

if (typeof window !== "undefined") {
  throw new Error("src/env.ts holds the server's settings: import it only from server code");
}

/** A bad setting. Its message is one line, "Invalid configuration: NAME: what is wrong". */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const envSchema = z.object({
  // Set by Next.js (and by `npm start`): "development" under `npm run dev`.
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  /** Where /api/* goes: read when the server starts, not baked in at build time. */
  BACKEND_URL: z
    .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
    .default(`http://127.0.0.1:${DEFAULT_API_PORT}`)
    .transform((url) => url.replace(/\/$/, "")),
  WEB_TRUSTED_PROXY: trustedProxyList.default([]),
  NEXT_DIST_DIR: z.string().default(".next"),
});

export type Env = z.infer<typeof envSchema>;

/** Every variable the web app reads (documented in frontend/.env.example). */
export const ENV_VARIABLES = Object.keys(envSchema.shape);

/** Validates a set of variables. Throws ConfigError naming the first bad one. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty value means "not set", as in most .env loaders (and backend/src/env.ts).
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const result = envSchema.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ConfigError(
    `Invalid configuration: ${issue?.path.join(".") || "environment"}: ${issue?.message ?? "is invalid"}`,
  );
}

export const env = parseEnv(process.env);
