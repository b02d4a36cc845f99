import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { captureLogger } from "../../test/helpers.ts";
import { resolveAuthSecret } from "./secret.ts";

describe("the auth secret", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("uses BETTER_AUTH_SECRET when it is set, and writes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "todo-secret-"));
    dirs.push(dir);
    const secret = "s".repeat(40);
    expect(
      resolveAuthSecret({ BETTER_AUTH_SECRET: secret, DATA_DIR: dir }, captureLogger().logger),
    ).toBe(secret);
    expect(() => statSync(join(dir, "auth-secret"))).toThrow(/ENOENT/);
  });

  it("in development, creates a random secret once, private to its owner, with a warning, and reuses it", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "todo-secret-")), "data");
    dirs.push(dir);
    const log = captureLogger();
    const first = resolveAuthSecret({ BETTER_AUTH_SECRET: undefined, DATA_DIR: dir }, log.logger);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    expect(statSync(join(dir, "auth-secret")).mode & 0o777).toBe(0o600);
    expect(log.lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: expect.stringContaining("BETTER_AUTH_SECRET is not set"),
      }),
    ]);
    expect(log.text()).not.toContain(first);

    const again = captureLogger();
    expect(resolveAuthSecret({ BETTER_AUTH_SECRET: undefined, DATA_DIR: dir }, again.logger)).toBe(
      first,
    );
    expect(again.lines).toEqual([]);
  });
});
