// Lints the OpenAPI document the app serves at /openapi.json with Redocly CLI (`npm run
// openapi:lint`), using redocly.yaml. Exits non-zero if the app does not serve the document or if
// Redocly reports any error; warnings are printed and do not fail.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BACKEND_DIR } from "../src/env.ts";
import { servedDocument } from "./openapi-document.ts";

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
