// The OpenAPI 3.1 document at /openapi.json: every route registered with `app.openapi(...)`, the
// two ways to authenticate, and the server the reference's API client calls.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../lib/hono-env.ts";

/** Serves the document of `app`'s routes at /openapi.json, naming `serverUrl` as its server. */
export function serveOpenApiDocument(app: OpenAPIHono<AppEnv>, serverUrl: string) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A JWT from GET /api/auth/token.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "cookie", {
    type: "apiKey",
    in: "cookie",
    name: "better-auth.session_token",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Todo API",
      version: "1.0.0",
      description:
        "Your tasks, over REST. Authenticate with a bearer JWT (GET /api/auth/token) or the session cookie. " +
        "Every error is application/problem+json (RFC 9457), Better Auth's under /api/auth/* too: " +
        "those also carry Better Auth's `code` (e.g. INVALID_EMAIL_OR_PASSWORD) and its `message`.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }, { cookie: [] }],
  });
}
