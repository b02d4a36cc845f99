import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docsRoutes } from "./docs.routes.ts";

// The smallest valid OpenAPI 3.1 document: the page only has to point at it.
const DOCUMENT = {
  openapi: "3.1.0",
  info: { title: "Docs test", version: "1.0.0" },
  paths: {},
};

const BUNDLE_FILE = createRequire(import.meta.url).resolve(
  "@scalar/api-reference/browser/standalone.js",
);

describe("API reference at /docs over HTTP, with no CDN", () => {
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = new Hono().route("/", docsRoutes()).get("/openapi.json", (c) => c.json(DOCUMENT));
    await new Promise<void>((resolve) => {
      const server = serve(
        { fetch: app.fetch, hostname: "127.0.0.1", port: 0 },
        (info: AddressInfo) => {
          url = `http://127.0.0.1:${info.port}`;
          close = () => new Promise<void>((done) => server.close(() => done()));
          resolve();
        },
      );
    });
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

  it("answers 404 for any other asset", async () => {
    expect((await fetch(`${url}/docs/assets/standalone.js`)).status).toBe(404);
    expect((await fetch(`${url}/docs/assets/..%2Fpackage.json`)).status).toBe(404);
  });
});
