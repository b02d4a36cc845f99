// `npm run build --workspace backend`: the production bundle of the API, dist/server.mjs (and
// the chunks beside it), which `npm start` runs with plain `node`. From sources, each start pays for tsx
// compiling our TypeScript and for Node's ESM loader resolving and reading ~1,000 files of
// dependencies one by one (better-auth, zod, kysely…): about 0.8 s of a 1.7 s cold start, and
// ~80 MB of RSS (bench/results/startup.md). Dev and tests keep running from sources.
//
//   tsx scripts/build.ts              # build
//   tsx scripts/build.ts --if-stale   # build only when a source is newer than the bundle
//
// Packages that find files beside themselves stay in node_modules: PGlite (its WASM and data),
// pino (its transports run in worker threads), @scalar/api-reference (the /docs browser bundle).
// Stack traces point into dist/server.mjs, which is unminified with `// src/…` markers; run it with
// `node --enable-source-maps` to see TypeScript lines (not the default: it costs ~18 MB of RSS).
import { readdirSync, rmSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

export const BACKEND_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const BUNDLE = join(BACKEND_DIR, "dist", "server.mjs");
const SOURCES = join(BACKEND_DIR, "src");
/** What the bundle is made from (dependencies too): newer than the bundle means it is stale. */
const INPUTS = [
  "src",
  "package.json",
  "tsconfig.json",
  "scripts/build.ts",
  "../contract/src", // the API's contract is bundled in
  "../package-lock.json",
  "../node_modules/.package-lock.json", // rewritten by every npm install
];

/**
 * Modules find files beside themselves with `import.meta.url` (the migrations, BACKEND_DIR). In a
 * bundle that would be the bundle's URL, so each TypeScript file's `import.meta.url` becomes its
 * source file's URL, written relative to the bundle so the checkout can move.
 */
const sourceUrls: Plugin = {
  name: "source-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      if (!path.startsWith(`${SOURCES}/`)) return undefined;
      const text = await readFile(path, "utf8");
      const fromBundle = relative(dirname(BUNDLE), path).split("\\").join("/");
      return {
        contents: text.replaceAll(
          "import.meta.url",
          `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`,
        ),
        loader: "ts",
      };
    });
  },
};

const EXTERNAL = [
  "@electric-sql/pglite",
  "pino",
  "pino-pretty",
  "pg-native",
  "@scalar/api-reference",
];

function newestChange(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(
    stat.mtimeMs,
    ...readdirSync(path).map((entry) => newestChange(join(path, entry))),
  );
}

/** True when dist/server.mjs exists and no source file changed after it was built. */
export function isBundleFresh(): boolean {
  const built = statSync(BUNDLE, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return built > Math.max(...INPUTS.map((input) => newestChange(join(BACKEND_DIR, input))));
}

export async function buildBundle(): Promise<void> {
  rmSync(dirname(BUNDLE), { recursive: true, force: true }); // no chunks left from older builds
  await build({
    entryPoints: [join(SOURCES, "server.ts")],
    outdir: dirname(BUNDLE),
    entryNames: "[name]",
    // Beside server.mjs: the rewritten import.meta.url above is relative to the output directory.
    chunkNames: "[name]-[hash]",
    outExtension: { ".js": ".mjs" },
    // Modules imported with `import()` (the database drivers, the docs page) become chunks loaded
    // on first use, so an external package they import (PGlite) is not loaded by the others.
    splitting: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: EXTERNAL,
    sourcemap: "linked",
    // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
    banner: {
      js: "// Built by backend/scripts/build.ts from src/server.ts: do not edit.\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
    logLevel: "warning",
    plugins: [sourceUrls],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--if-stale") && isBundleFresh()) process.exit(0);
  const started = performance.now();
  await buildBundle();
  console.log(
    `Built ${relative(process.cwd(), BUNDLE)} in ${Math.round(performance.now() - started)} ms`,
  );
}
