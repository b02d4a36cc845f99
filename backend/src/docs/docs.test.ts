import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../../e2e/chromium.ts";
import { docsRouter } from "./docs.index.ts";

/** The document's server, as BETTER_AUTH_URL names it: not the origin the page is read from. */
let apiOrigin = "";

// A small valid OpenAPI 3.1 document: one operation, for the reference's API client to call.
const DOCUMENT = () => ({
  openapi: "3.1.0",
  info: { title: "Docs test", version: "1.0.0" },
  servers: [{ url: apiOrigin }],
  paths: {
    "/healthz": {
      get: { summary: "Is the process up?", responses: { "200": { description: "Up." } } },
    },
  },
});

const BUNDLE_FILE = createRequire(import.meta.url).resolve(
  "@scalar/api-reference/browser/standalone.js",
);

describe("API reference at /docs over HTTP, with no CDN", () => {
  let url: string;
  let close: () => Promise<void>;
  /** Paths the server was asked for, in order. */
  const asked: string[] = [];

  beforeAll(async () => {
    // The app is built once the port is known: the document names the server by it.
    let app: Hono | undefined;
    await new Promise<void>((resolve) => {
      const server = serve(
        {
          fetch: (request, env) => app?.fetch(request, env) ?? new Response(null, { status: 503 }),
          hostname: "127.0.0.1",
          port: 0,
        },
        (info: AddressInfo) => {
          url = `http://127.0.0.1:${info.port}`;
          apiOrigin = `http://localhost:${info.port}`;
          close = () => new Promise<void>((done) => server.close(() => done()));
          resolve();
        },
      );
    });
    app = new Hono()
      .use(async (c, next) => {
        asked.push(`${c.req.method} ${c.req.path}`);
        await next();
      })
      .route("/", docsRouter({ apiOrigin }))
      .get("/openapi.json", (c) => c.json(DOCUMENT()))
      .get("/healthz", (c) => c.json({ status: "ok" }));
  });
  afterAll(() => close());

  /** The page, and the `src`/`href` of each script and link in it. */
  async function docsPage(): Promise<{ html: string; sources: string[] }> {
    const response = await fetch(`${url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    const sources = [
      ...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']*)/gi),
    ].map((match) => match[1] ?? "");
    return { html, sources };
  }

  it("GET /docs is the Scalar page for /openapi.json, loading only our own assets", async () => {
    const { html, sources } = await docsPage();
    expect(html).toContain("Scalar.createApiReference");
    expect(html).toContain('"url": "/openapi.json"');
    expect(sources).toEqual([
      expect.stringMatching(/^\/docs\/assets\/scalar-api-reference\.js\?v=[0-9a-f]{16}$/),
    ]);
    // No script or stylesheet from another host, and no CDN named anywhere in the page.
    for (const source of sources) expect(source).not.toMatch(/^(?:[a-z]+:)?\/\//i);
    expect(html).not.toMatch(/cdn\.|jsdelivr|unpkg/i);
    // What the page asks for is there.
    expect((await fetch(`${url}/openapi.json`)).status).toBe(200);
  });

  it("serves the bundle from node_modules, gzipped, cached for a year under its versioned URL", async () => {
    const { sources } = await docsPage();
    const response = await fetch(`${url}${sources[0]}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(response.headers.get("content-encoding")).toBe("gzip"); // fetch asks for gzip
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const body = Buffer.from(await response.arrayBuffer()); // fetch has decompressed it
    expect(body.length).toBeGreaterThan(1_000_000);
    expect(body.equals(readFileSync(BUNDLE_FILE))).toBe(true);
    expect(body.toString("utf8")).toContain("createApiReference");
  });

  it("serves the bundle uncompressed to a client that does not take gzip", async () => {
    const { sources } = await docsPage();
    const response = await fetch(`${url}${sources[0]}`, {
      headers: { "Accept-Encoding": "identity" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(Number(response.headers.get("content-length"))).toBe(readFileSync(BUNDLE_FILE).length);
  });

  it("does not let a URL with another version be cached for long", async () => {
    const response = await fetch(`${url}/docs/assets/scalar-api-reference.js?v=old`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-cache");
  });

  it("GET /docs has a strict Content-Security-Policy: its own inline script by hash, nothing from elsewhere", async () => {
    const response = await fetch(`${url}/docs`);
    const policy = response.headers.get("content-security-policy") ?? "";
    const directives = Object.fromEntries(
      policy.split(";").map((d) => {
        const [name = "", ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    const inline = [
      ...(await response.text()).matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g),
    ].map(
      ([, code]) =>
        `'sha256-${createHash("sha256")
          .update(code ?? "")
          .digest("base64")}'`,
    );
    expect(inline).toHaveLength(1);
    expect(directives).toEqual({
      "default-src": ["'none'"],
      "script-src": ["'self'", ...inline],
      // The bundle injects its CSS at run time.
      "style-src": ["'self'", "'unsafe-inline'"],
      "img-src": ["'self'", "data:", "blob:"],
      "font-src": ["'self'", "data:"],
      "connect-src": ["'self'", apiOrigin],
      "base-uri": ["'none'"],
      "form-action": ["'none'"],
      "frame-ancestors": ["'none'"],
    });
  });

  it.skipIf(!existsSync(CHROMIUM_PATH))(
    "renders in Chromium under that policy, and its API client reaches the document's server",
    { timeout: 60_000 },
    async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage();
        const violations: string[] = [];
        await page.exposeFunction("reportViolation", (v: string) => violations.push(v));
        await page.addInitScript(`document.addEventListener("securitypolicyviolation", (e) =>
          window.reportViolation(e.effectiveDirective + " " + e.blockedURI))`);
        const requests: string[] = [];
        page.on("request", (request) => requests.push(request.url()));
        await page.goto(`${url}/docs`);
        await page.getByRole("heading", { name: "Docs test" }).waitFor();
        await page.getByText("Is the process up?").first().click();
        await page
          .getByRole("button", { name: /test request/i })
          .first()
          .click();
        const before = asked.length;
        await page.getByRole("button", { name: /send/i }).first().click();
        await expect
          .poll(() => asked.slice(before).some((line) => line.endsWith(" /healthz")))
          .toBe(true);
        // Nothing from another host; the only refusal is Zod's probe for eval (new Function),
        // which it answers by validating without compiled code.
        expect(requests.filter((r) => !r.startsWith(url) && !r.startsWith(apiOrigin))).toEqual([]);
        expect(violations).toEqual(["script-src eval"]);
      } finally {
        await browser.close();
      }
    },
  );

  it("answers 404 for any other asset", async () => {
    expect((await fetch(`${url}/docs/assets/standalone.js`)).status).toBe(404);
    expect((await fetch(`${url}/docs/assets/..%2Fpackage.json`)).status).toBe(404);
  });
});
