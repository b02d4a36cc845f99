import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { API_TYPES_FILE, generateApiTypes } from "../scripts/api-types.ts";

it("the web app's generated API types match the API (else run `npm run api:types`)", async () => {
  const committed = readFileSync(API_TYPES_FILE, "utf8");
  expect(committed === (await generateApiTypes()), "frontend/src/lib/api-schema.ts is stale").toBe(
    true,
  );
});
