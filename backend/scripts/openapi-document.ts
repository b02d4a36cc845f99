// The OpenAPI document the app serves at /openapi.json, built without a server: for the linter
// (lint-openapi.ts) and the web app's generated types (api-types.ts).
import { pino } from "pino";
import { createApp, JWT_LIFETIME_SECONDS, startTokenRevocations } from "../src/app.ts";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { parseEnv } from "../src/env.ts";

/** The app's answer to GET /openapi.json, from the defaults: nothing in it depends on data. */
export async function servedDocument(): Promise<{ status: number; text: string }> {
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
