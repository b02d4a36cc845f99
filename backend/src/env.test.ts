import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_API_PORT } from "@todo/contract/settings";
import { parse } from "dotenv";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BACKEND_DIR, ConfigError, ENV_VARIABLES, parseEnv, readSettings } from "./env.ts";

function errorOf(source: Record<string, string>): string {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the configuration to be refused");
}

describe("configuration", () => {
  it("has working defaults for a laptop: port 8000, embedded database in backend/data", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      NODE_ENV: "development",
      HOST: "127.0.0.1",
      PORT: 8000,
      LOG_LEVEL: "info",
      DATA_DIR: join(BACKEND_DIR, "data"),
      DATABASE_POOL_MAX: 10,
      BETTER_AUTH_URL: "http://localhost:8000",
      TRUSTED_ORIGINS: ["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"],
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DATABASE_DRIVER).toBeUndefined();
  });

  it("reads every variable, treating an empty value as unset", () => {
    const env = parseEnv({
      NODE_ENV: "production",
      HOST: "0.0.0.0",
      PORT: "9000",
      LOG_LEVEL: "debug",
      DATA_DIR: "/var/lib/todo",
      DATABASE_URL: "postgres://todo:pw@db:5432/todo",
      DATABASE_DRIVER: "pg",
      DATABASE_POOL_MAX: "25",
      BETTER_AUTH_SECRET: "x".repeat(32),
      BETTER_AUTH_URL: "https://todo.example.com",
      TRUSTED_ORIGINS: "https://todo.example.com, https://www.todo.example.com",
    });
    expect(env).toMatchObject({
      PORT: 9000,
      DATA_DIR: "/var/lib/todo",
      DATABASE_POOL_MAX: 25,
      TRUSTED_ORIGINS: ["https://todo.example.com", "https://www.todo.example.com"],
    });
    const blank = parseEnv({ DATABASE_URL: "", PORT: "" });
    expect(blank.DATABASE_URL).toBeUndefined();
    expect(blank.PORT).toBe(8000);
  });

  it.each([
    [{ PORT: "eighty" }, /^Invalid configuration: PORT: /],
    [{ PORT: "70000" }, /^Invalid configuration: PORT: /],
    [{ DATABASE_DRIVER: "mysql" }, /^Invalid configuration: DATABASE_DRIVER: /],
    [{ DATABASE_POOL_MAX: "0" }, /^Invalid configuration: DATABASE_POOL_MAX: /],
    [{ LOG_LEVEL: "loud" }, /^Invalid configuration: LOG_LEVEL: /],
    [
      { TRUSTED_ORIGINS: "localhost:3000" },
      /^Invalid configuration: TRUSTED_ORIGINS\.0: must be an origin/,
    ],
    [
      { TRUSTED_ORIGINS: "https://a.example/app" },
      /^Invalid configuration: TRUSTED_ORIGINS\.0: must be an origin/,
    ],
    [
      { BETTER_AUTH_SECRET: "short" },
      /^Invalid configuration: BETTER_AUTH_SECRET: must be at least 32 characters$/,
    ],
    [
      { NODE_ENV: "production" },
      /^Invalid configuration: BETTER_AUTH_SECRET: is required in production/,
    ],
  ])("refuses %o with one line naming the variable", (source, message) => {
    const text = errorOf(source);
    expect(text).toMatch(message);
    expect(text).not.toContain("\n");
  });

  it("never prints the value of a bad DATABASE_URL, which may hold a password", () => {
    for (const url of [
      "postgres://admin:hunter2@:5432/db",
      "mysql://admin:hunter2@db/x",
      "hunter2",
    ]) {
      const text = errorOf({ DATABASE_URL: url });
      expect(text).toMatch(/^Invalid configuration: DATABASE_URL: must be postgres:\/\//);
      expect(text).not.toContain("hunter2");
    }
  });

  it("documents every variable in .env.example, which works as it is when copied to .env", () => {
    const example = readFileSync(join(BACKEND_DIR, ".env.example"), "utf8");
    const documented = Object.keys(parse(example));
    expect(documented.sort()).toEqual([...ENV_VARIABLES].sort());
    expect(example).toContain("TEST_DATABASE_URL");
    expect(() => parseEnv(parse(example))).not.toThrow();
  });
});

describe("settings from a folder (readSettings)", () => {
  afterEach(() => vi.unstubAllEnvs());

  function folderWithEnv(text: string): string {
    const dir = mkdtempSync(join(tmpdir(), "settings-"));
    writeFileSync(join(dir, ".env"), text);
    return dir;
  }

  it("reads the folder's .env, lets the environment win, and takes an empty value as unset", () => {
    const dir = folderWithEnv("PORT=9001\nLOG_LEVEL=debug\nHOST=\nDATA_DIR=/from/file\n");
    try {
      for (const name of ["PORT", "HOST"]) vi.stubEnv(name, undefined); // the file's alone
      vi.stubEnv("LOG_LEVEL", "warn");
      vi.stubEnv("DATA_DIR", ""); // set but empty in the environment: unset, not the file's
      const settings = readSettings(dir);
      expect(settings.PORT).toBe("9001");
      expect(settings.LOG_LEVEL).toBe("warn");
      expect(settings).not.toHaveProperty("HOST");
      expect(settings).not.toHaveProperty("DATA_DIR");
      expect(parseEnv(settings)).toMatchObject({ PORT: 9001, HOST: "127.0.0.1" });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("without a .env, is the environment alone; the port then defaults to 8000", () => {
    const dir = mkdtempSync(join(tmpdir(), "settings-"));
    try {
      vi.stubEnv("PORT", "");
      const settings = readSettings(dir);
      expect(settings).not.toHaveProperty("PORT");
      expect(DEFAULT_API_PORT).toBe(8000);
      expect(parseEnv(settings).PORT).toBe(DEFAULT_API_PORT);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
