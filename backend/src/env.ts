// The only module that reads process.env. Everything else receives a typed, validated `Env`.
import { existsSync, readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  commaList,
  DEFAULT_API_PORT,
  DEFAULT_WEB_PORT,
  trustedProxyList,
} from "@todo/contract/settings";
import { parse as parseDotenv } from "dotenv";
import { z } from "zod";

/** The backend package directory: relative paths in the configuration are resolved from here. */
export const BACKEND_DIR = fileURLToPath(new URL("..", import.meta.url));

export const DRIVERS = ["pglite", "pg", "neon"] as const;
export type Driver = (typeof DRIVERS)[number];

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Thrown for a bad configuration value. Its message is one line and never contains a value. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

export const DATABASE_URL_FORMAT =
  "must be postgres://user:password@host:port/database, memory:// or file:<path> (or unset for the embedded database)";

/** memory://, file:<path> (PGlite), or a postgres:// / postgresql:// URL with a host. */
export const databaseUrl = z.string().refine(
  (value) => {
    if (value === "memory://" || value.startsWith("file:")) return true;
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
  },
  // Never echo the value: it may hold a password.
  DATABASE_URL_FORMAT,
);

/**
 * Every origin under which a browser on this machine reaches a web app listening on `host` and
 * `port`: localhost, 127.0.0.1 and [::1], and, when it listens on every interface, each of this
 * machine's addresses. With no configuration all of them must work: Next.js prints
 * http://127.0.0.1:3000 at start-up, and people open what they are shown.
 */
export function localWebOrigins(port: number, host = "127.0.0.1"): string[] {
  const hosts = new Set(["localhost", "127.0.0.1", "[::1]"]);
  const bracket = (address: string) => (address.includes(":") ? `[${address}]` : address);
  if (host === "0.0.0.0" || host === "::") {
    for (const address of Object.values(networkInterfaces()).flat()) {
      // A link-local IPv6 address needs a zone (%eth0), which an origin cannot carry.
      if (address && !address.scopeid) hosts.add(bracket(address.address));
    }
  } else if (host !== "localhost" && host !== "::1") {
    hosts.add(bracket(host));
  }
  return [...hosts].map((name) => `http://${name}:${port}`);
}

/** A web origin (scheme, host, optional port), as browsers send in the Origin header. */
const origin = z
  .string()
  .refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.pathname === "/" && !url.search && !url.hash;
  }, "must be an origin such as https://todo.example.com (scheme and host, no path)")
  .transform((value) => new URL(value).origin);

const seconds = (fallback: number) => z.coerce.number().int().min(1).max(86_400).default(fallback);
const count = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_API_PORT),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  DATA_DIR: z.string().min(1).default("data"),
  DATABASE_URL: databaseUrl.optional(),
  DATABASE_DRIVER: z.enum(DRIVERS).optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  DATABASE_DIRECT_URL: databaseUrl.optional(),
  CHANGES_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  BETTER_AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  BETTER_AUTH_URL: z.url().optional(),
  TRUSTED_ORIGINS: commaList.pipe(z.array(origin)).default(localWebOrigins(DEFAULT_WEB_PORT)),
  TRUSTED_PROXY: trustedProxyList.default([]),
  RATE_LIMIT_ENABLED: z
    .enum(["true", "false"], 'must be "true" or "false"')
    .transform((v) => v === "true")
    .default(true),
  AUTH_RATE_LIMIT_MAX: count(100),
  AUTH_RATE_LIMIT_WINDOW: seconds(60),
  SIGN_IN_RATE_LIMIT_MAX: count(10),
  SIGN_IN_RATE_LIMIT_WINDOW: seconds(60),
  SIGN_IN_FAILURES_MAX: count(5),
  SIGN_IN_FAILURES_ACCOUNT_MAX: count(50),
  SIGN_IN_FAILURES_WINDOW: seconds(900),
  API_RATE_LIMIT_MAX: count(600),
  API_RATE_LIMIT_WINDOW: seconds(60),
});

/** Every variable the backend reads (documented in backend/.env.example). */
export const ENV_VARIABLES = Object.keys(envSchema.shape);

export type Env = Omit<z.infer<typeof envSchema>, "DATA_DIR" | "BETTER_AUTH_URL"> & {
  /** Absolute path of the directory for local state (the PGlite database, the dev auth secret). */
  DATA_DIR: string;
  BETTER_AUTH_URL: string;
};

/** Formats the first problem as "NAME: what is wrong", without the offending value. */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const name = issue?.path.join(".") || "environment";
  return `${name}: ${issue?.message ?? "is invalid"}`;
}

/** Validates a set of variables (process.env by default). Throws ConfigError on a bad value. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty value means "not set", as in most .env loaders.
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const result = envSchema.safeParse(present);
  if (!result.success)
    throw new ConfigError(`Invalid configuration: ${describeIssue(result.error)}`);
  const env = result.data;
  if (env.NODE_ENV === "production" && !env.BETTER_AUTH_SECRET) {
    throw new ConfigError(
      "Invalid configuration: BETTER_AUTH_SECRET: is required in production (at least 32 random characters)",
    );
  }
  return {
    ...env,
    DATA_DIR: isAbsolute(env.DATA_DIR) ? env.DATA_DIR : resolve(BACKEND_DIR, env.DATA_DIR),
    BETTER_AUTH_URL: env.BETTER_AUTH_URL ?? `http://localhost:${env.PORT}`,
  };
}

/**
 * The settings of the program in `dir`: its .env file when there is one, with the real
 * environment winning over it, and an empty value taken as not set (a copied .env.example must
 * not turn a default off).
 */
export function readSettings(dir = BACKEND_DIR): Record<string, string> {
  const file = resolve(dir, ".env");
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...fromFile, ...process.env })) {
    if (value !== undefined && value !== "") settings[name] = value;
  }
  return settings;
}

/** The backend's settings (backend/.env and the environment), validated. */
export function loadEnv(): Env {
  const settings = readSettings();
  // Libraries read a few variables themselves (NODE_ENV): the file's are theirs too, as dotenv
  // would have it (a variable already in the environment, even empty, stays).
  for (const [name, value] of Object.entries(settings)) process.env[name] ??= value;
  return parseEnv(settings);
}

/** Test-only settings: the Postgres server to run the suite against (unset: PGlite in memory). */
export function loadTestEnv(): { TEST_DATABASE_URL?: string | undefined } {
  const result = z
    .object({ TEST_DATABASE_URL: databaseUrl.optional() })
    .safeParse({ TEST_DATABASE_URL: process.env.TEST_DATABASE_URL || undefined });
  if (!result.success)
    throw new ConfigError(`Invalid configuration: ${describeIssue(result.error)}`);
  return result.data;
}
