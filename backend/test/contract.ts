// Checks a real response against the OpenAPI route it answered for: the status must be declared,
// and the body must have the declared media type and match the declared schema.

import { expect } from "vitest";
import type { z } from "zod";
import * as taskRoutes from "../src/tasks/tasks.routes.ts";

interface DeclaredRoute {
  method: string;
  path: string;
  responses: Record<string, { content?: Record<string, { schema: z.ZodType }> }>;
}

const isRoute = (value: unknown): value is DeclaredRoute =>
  typeof value === "object" &&
  value !== null &&
  "method" in value &&
  "path" in value &&
  "responses" in value;

// In declaration order, so /tasks/stats is found before /tasks/{id}.
const routes = Object.values(taskRoutes as Record<string, unknown>)
  .filter(isRoute)
  .map((route) => ({
    route,
    method: route.method.toUpperCase(),
    pattern: new RegExp(`^/api${route.path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
  }));

/** Fails the test when `response` (to `method url`) breaks its route's OpenAPI declaration. */
export async function expectMatchesContract(
  method: string,
  url: string,
  response: Response,
): Promise<void> {
  const path = new URL(url).pathname;
  const found = routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(path));
  if (!found) return; // not a task route: 404 for an unknown path, 405, and the like
  const where = `${method} ${path} → ${response.status}`;
  const declared = found.route.responses[String(response.status)];
  expect(declared, `${where}: status not declared in the OpenAPI route`).toBeDefined();
  const content = declared?.content;
  if (!content) {
    expect(await response.clone().text(), `${where}: declared without a body`).toBe("");
    return;
  }
  const [mediaType, { schema }] = Object.entries(content)[0] as [string, { schema: z.ZodType }];
  expect(response.headers.get("content-type"), where).toContain(mediaType);
  const result = schema.safeParse(await response.clone().json());
  expect(
    result.success ? [] : result.error.issues,
    `${where}: body does not match its schema`,
  ).toEqual([]);
}
