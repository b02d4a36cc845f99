import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, ENV_VARIABLES, parseEnv } from "./env";

function errorOf(source: Record<string, string>): string {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the configuration to be refused");
}

describe("the web app's configuration", () => {
  it("works with nothing set: the API on this machine's port 8000, built into .next", () => {
    expect(parseEnv({})).toEqual({
      NODE_ENV: "production",
      BACKEND_URL: "http://127.0.0.1:8000",
      WEB_TRUSTED_PROXY: [],
      NEXT_DIST_DIR: ".next",
    });
  });

  it("reads every variable, treating an empty value as unset", () => {
    expect(
      parseEnv({
        NODE_ENV: "development",
        BACKEND_URL: "https://api.example.com/",
        WEB_TRUSTED_PROXY: "loopback, 10.0.0.0/8,,",
        NEXT_DIST_DIR: ".next-e2e",
      }),
    ).toEqual({
      NODE_ENV: "development",
      BACKEND_URL: "https://api.example.com",
      WEB_TRUSTED_PROXY: ["loopback", "10.0.0.0/8"],
      NEXT_DIST_DIR: ".next-e2e",
    });
    expect(parseEnv({ BACKEND_URL: "", NEXT_DIST_DIR: "" })).toMatchObject({
      BACKEND_URL: "http://127.0.0.1:8000",
      NEXT_DIST_DIR: ".next",
    });
  });

  it.each([
    [{ BACKEND_URL: "127.0.0.1:8000" }, /^Invalid configuration: BACKEND_URL: must be an http/],
    [{ BACKEND_URL: "ftp://files.example" }, /^Invalid configuration: BACKEND_URL: /],
    [{ WEB_TRUSTED_PROXY: "10.0.0.0/99" }, /^Invalid configuration: WEB_TRUSTED_PROXY: must be/],
    [{ NODE_ENV: "staging" }, /^Invalid configuration: NODE_ENV: /],
  ])("refuses %j, naming the variable and not its value", (source, message) => {
    const text = errorOf(source);
    expect(text).toMatch(message);
    expect(text).not.toContain(Object.values(source)[0]);
  });

  it("documents every variable in .env.example, which works as it is when copied to .env", () => {
    const example = readFileSync(new URL("../.env.example", import.meta.url), "utf8");
    for (const name of ENV_VARIABLES) expect(example).toMatch(new RegExp(`^(# )?${name}=`, "m"));
    const values = Object.fromEntries(
      [...example.matchAll(/^([A-Z_]+)=(.*)$/gm)].map(([, name, value]) => [name, value]),
    );
    expect(() => parseEnv(values)).not.toThrow();
  });
});
