// The OpenAPI document the app serves at /openapi.json, built without a server: for the linter
// (lint-openapi.ts) and the web app's generated types (api-types.ts).
import { pino } from "pino";
import { createApp, startAppServices } from "../src/app.ts";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { parseEnv } from "../src/env.ts";

/** The app's answer to GET /openapi.json, from the defaults: nothing in it depends on data. */
export async function servedDocument(): Promise<{ status: number; text: string }> {
  const database = await openDatabase({ url: "memory://", dataDir: "unused" });
  try {
    await migrate(database.db);
    const logger = pino({ level: "silent" });
    const services = startAppServices(database, { logger, retentionDays: 30 });
    try {
      const app = createApp({
        database,
        logger,
        config: { ...parseEnv({}), secret: "x".repeat(40) },
        ...services,
      });
      const response = await app.request("/openapi.json");
      return { status: response.status, text: await response.text() };
    } finally {
      await services.stop();
    }
  } finally {
    await database.close();
  }
}
