// GET /docs: the Scalar API reference for /openapi.json, working with no internet. Scalar's Hono
// middleware loads its browser bundle from a CDN unless told otherwise, so we serve that bundle
// ourselves, from the @scalar/api-reference package (its CSS is inside the bundle, injected at run
// time). The two packages are pinned together in package.json: @scalar/hono-api-reference writes
// the page that calls the bundle's `Scalar.createApiReference`.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { MiddlewareHandler } from "hono";
import { Hono } from "hono";

const BUNDLE_PATH = "/docs/assets/scalar-api-reference.js";
// A package export of @scalar/api-reference (dist/browser/standalone.js).
const BUNDLE_SPECIFIER = "@scalar/api-reference/browser/standalone.js";

interface Bundle {
  body: Uint8Array<ArrayBuffer>;
  gzipped: Uint8Array<ArrayBuffer>;
  /** Hash of the file: the page asks for `?v=<version>`, so a new bundle gets a new URL. */
  version: string;
}

// Read on first use, not at start-up (it is 3.5 MB), then kept: node_modules does not change under
// a running server. Compressed once here rather than per request (about 1 MB gzipped).
let bundle: Promise<Bundle> | undefined;
function loadBundle(): Promise<Bundle> {
  bundle ??= readBundle().catch((error: unknown) => {
    bundle = undefined; // a failed read is not kept: the next request tries again
    throw error;
  });
  return bundle;
}

async function readBundle(): Promise<Bundle> {
  const file = createRequire(import.meta.url).resolve(BUNDLE_SPECIFIER);
  const body = new Uint8Array(await readFile(file));
  const gzipped = new Uint8Array(await promisify(gzip)(body));
  const version = createHash("sha256").update(body).digest("hex").slice(0, 16);
  return { body, gzipped, version };
}

// Scalar's page writer is loaded with the first visit to /docs, not at every start-up.
let page: Promise<MiddlewareHandler> | undefined;
function loadPage(): Promise<MiddlewareHandler> {
  page ??= import("@scalar/hono-api-reference")
    .then(({ Scalar }) => Scalar(pageOptions))
    .catch((error: unknown) => {
      page = undefined;
      throw error;
    });
  return page;
}

async function pageOptions() {
  return {
    url: "/openapi.json",
    cdn: `${BUNDLE_PATH}?v=${(await loadBundle()).version}`,
    pageTitle: "Todo API reference",
    // Each of these would reach Scalar's servers from the reader's browser: the default fonts
    // (fonts.scalar.com), the AI agent (api.scalar.com) and the developer toolbar, which offers
    // to upload the document to Scalar's registry. System fonts do.
    withDefaultFonts: false,
    agent: { disabled: true },
    showDeveloperTools: "never" as const,
  };
}

/**
 * The page's Content-Security-Policy: its one inline script (the call that starts Scalar) by hash,
 * the bundle and /openapi.json from this origin, and nothing from anywhere else. The bundle
 * injects its CSS as <style> elements at run time, hence 'unsafe-inline' for styles only.
 */
function contentSecurityPolicy(html: string, apiOrigin: string): string {
  const inlineScripts = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)];
  const hashes = inlineScripts.map(
    ([, code]) =>
      `'sha256-${createHash("sha256")
        .update(code ?? "")
        .digest("base64")}'`,
  );
  return [
    "default-src 'none'",
    `script-src 'self' ${hashes.join(" ")}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // The document, and the requests the reader sends from the reference's API client to the
    // document's server (BETTER_AUTH_URL), which need not be the origin the page was read from.
    `connect-src 'self' ${apiOrigin}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** `apiOrigin`: the origin of the document's server, which the reference's API client calls. */
export function docsRouter({ apiOrigin }: { apiOrigin: string }) {
  return new Hono()
    .get("/docs", async (c, next) => {
      const response = await (await loadPage())(c, next);
      if (!response) return response;
      const policy = contentSecurityPolicy(await response.clone().text(), apiOrigin);
      response.headers.set("Content-Security-Policy", policy);
      return response;
    })
    .get(BUNDLE_PATH, async (c) => {
      const { body, gzipped, version } = await loadBundle();
      const headers: Record<string, string> = {
        "Content-Type": "text/javascript; charset=utf-8",
        // Cached for a year only under the URL the page uses; any other `v` may be stale later.
        "Cache-Control":
          c.req.query("v") === version ? "public, max-age=31536000, immutable" : "no-cache",
        Vary: "Accept-Encoding",
      };
      if (!/\bgzip\b/.test(c.req.header("Accept-Encoding") ?? ""))
        return c.body(body, 200, headers);
      return c.body(gzipped, 200, { ...headers, "Content-Encoding": "gzip" });
    });
}
