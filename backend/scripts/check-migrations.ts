// Fails when schema.ts has changes that no committed migration holds (`npm run db:check`; the test
// suite runs the same check, so CI catches a forgotten `npm run db:generate`).
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { MIGRATIONS_DIR } from "../src/db/migrate.ts";
import { BACKEND_DIR } from "../src/env.ts";

/** Lets drizzle-kit generate into a copy of the migrations; returns the files it had to add. */
export async function migrationsMissingFromSchema(): Promise<string[]> {
  const copy = mkdtempSync(join(tmpdir(), "todo-migrations-"));
  try {
    cpSync(MIGRATIONS_DIR, copy, { recursive: true });
    const before = new Set(readdirSync(copy));
    await promisify(execFile)(
      "npx",
      [
        "--no-install",
        "drizzle-kit",
        "generate",
        "--dialect",
        "postgresql",
        "--schema",
        "src/db/schema.ts",
        "--out",
        copy,
      ],
      { cwd: BACKEND_DIR },
    );
    return readdirSync(copy).filter((file) => !before.has(file));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missing = await migrationsMissingFromSchema();
  if (missing.length > 0) {
    console.error(
      `schema.ts has changes with no migration: run \`npm run db:generate\` (it would add ${missing.join(", ")})`,
    );
    process.exit(1);
  }
  console.log("migrations match schema.ts");
}
