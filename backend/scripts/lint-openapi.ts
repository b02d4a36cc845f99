// Lints the OpenAPI document the app serves at /openapi.json with Redocly CLI (`npm run
// openapi:lint`), using redocly.yaml. Exits non-zero if the app does not serve the document or if
// Redocly reports any error; warnings are printed and do not fail.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { createApp, JWT_LIFETIME_SECONDS, startTokenRevocations } from "../src/app.ts";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { BACKEND_DIR, parseEnv } from "../src/env.ts";

/** The app's document, built from the defaults: nothing in it depends on data or a server. */
async function servedDocument(): Promise<{ status: number; text: string }> {
  const database = await openDatabase({ url: "memory://", dataDir: "unused" });
  try {
    await migrate(database.db);
    const logger = pino({ level: "silent" });
    const revocations = startTokenRevocations(database.db, {
      tokenLifetimeSeconds: JWT_LIFETIME_SECONDS,
      logger,
    });
    try {
      const app = createApp({
        database,
        logger,
        config: { ...parseEnv({}), secret: "x".repeat(40) },
        revocations,
      });
      const response = await app.request("/openapi.json");
      return { status: response.status, text: await response.text() };
    } finally {
      await revocations.stop();
    }
  } finally {
    await database.close();
  }
}

/** Runs `redocly lint` on a file; resolves to its exit code. */
function redoclyLint(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "npx",
      ["--no-install", "redocly", "lint", "--config", join(BACKEND_DIR, "redocly.yaml"), file],
      {
        cwd: BACKEND_DIR,
        stdio: "inherit",
        // No update check against the registry on every run.
        env: { ...process.env, REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      },
    );
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
}

const { status, text } = await servedDocument();
if (status !== 200) {
  console.error(
    `GET /openapi.json answered ${status}, not 200: the app serves no OpenAPI document.`,
  );
  process.exit(1);
}
let document: unknown;
try {
  document = JSON.parse(text);
} catch {
  console.error("GET /openapi.json answered 200 but its body is not JSON.");
  process.exit(1);
}

// Indented, so Redocly's line numbers and excerpts are readable.
const dir = mkdtempSync(join(tmpdir(), "todo-openapi-"));
let code: number;
try {
  const file = join(dir, "openapi.json");
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  code = await redoclyLint(file);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
