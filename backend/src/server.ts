// Entry point: read the configuration, open and migrate the database, serve, shut down cleanly.
// Start-up is on the clock (issue 6: ready within 1 s): the database opens (PGlite compiles its
// WASM off the main thread) while the app's modules load, so app.ts is imported, not at the top.
import type { Server as HttpServer, ServerResponse } from "node:http";
import { serve } from "@hono/node-server";
import { resolveAuthSecret } from "./auth/secret.ts";
import { type Database, describeConnection, openDatabase, resolveConnection } from "./db/client.ts";
import { DatabaseLockedError } from "./db/lock.ts";
import { migrate } from "./db/migrate.ts";
import { ConfigError, loadEnv } from "./env.ts";
import { createLogger } from "./lib/logger.ts";

// A request still running this long after SIGTERM is abandoned so the process can exit.
const SHUTDOWN_GRACE_MS = 10_000;

const startedAt = performance.now();
let database: Database | undefined;

try {
  const env = loadEnv();
  const logger = createLogger(env);
  const connectionOptions = {
    url: env.DATABASE_URL,
    driver: env.DATABASE_DRIVER,
    dataDir: env.DATA_DIR,
    poolMax: env.DATABASE_POOL_MAX,
    listenUrl: env.DATABASE_DIRECT_URL,
    // Only the message and SQLSTATE: node-postgres hangs the whole client (and its prepared SQL)
    // on the error, which would otherwise be serialised into the log line.
    onPoolError: (error: Error & { code?: string }) =>
      logger.warn(
        { err: { message: error.message, code: error.code } },
        "idle database connection failed",
      ),
    // Another process believed us dead and opened the embedded database: writing on would corrupt it.
    onLockLost: (error: Error) => {
      logger.fatal(error.message);
      process.exit(1);
    },
  };
  const appModule = import("./app.ts");
  appModule.catch(() => {}); // awaited below; a failure to open the database is reported first
  let applied: number;
  try {
    database = await openDatabase(connectionOptions);
    applied = await migrate(database.db);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DatabaseLockedError) throw error;
    // Unreachable server, wrong credentials, missing database: say which database, not a stack.
    const target = describeConnection(resolveConnection(connectionOptions));
    throw new ConfigError(`Cannot open the database (${target}): ${(error as Error).message}`);
  }
  const config = { ...env, secret: resolveAuthSecret(env, logger) };
  const { createApp, startAppServices } = await appModule;
  const openDb = database;
  const services = startAppServices(openDb, {
    logger,
    retentionDays: env.CHANGES_RETENTION_DAYS,
  });
  const app = createApp({ database, logger, config, ...services });
  // The background work stops (its last reads done) before the database closes under it.
  const closeDatabase = async () => {
    await services.stop();
    await openDb.close();
  };

  const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, (info) => {
    const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
    const schema = applied ? `applied ${applied} migration(s)` : "schema up to date";
    const ms = Math.round(performance.now() - startedAt);
    logger.info(
      `Todo API on http://${host}:${info.port} using ${openDb.target}; ${schema}; ready in ${ms} ms`,
    );
  });

  server.on("error", async (error: NodeJS.ErrnoException) => {
    const reason =
      error.code === "EADDRINUSE" ? `port ${env.PORT} is already in use (set PORT)` : error.message;
    console.error(`Cannot start the Todo API: ${reason}`);
    await closeDatabase();
    process.exit(1);
  });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: closing the server and the database`);
    setTimeout(() => {
      logger.warn("requests still running after the grace period; exiting anyway");
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    // Event streams never end by themselves: end them, so close() can finish. Their clients
    // reconnect to another instance, from where they were.
    void services.feed.stop();
    server.close(async () => {
      await closeDatabase();
      logger.info("stopped");
      process.exit(0);
    });
    // close() ends the kept-alive connections idle now; one busy at SIGTERM would stay open after
    // its response for the keep-alive timeout (5 s), so each is ended as soon as it goes idle too.
    // (serve() without TLS or HTTP/2 options makes a plain http.Server.)
    setInterval(() => (server as HttpServer).closeIdleConnections(), 100).unref();
    // And a client that keeps its connection always busy is told to let go: every response
    // from now on ends its connection.
    server.on("request", (_, response: ServerResponse) =>
      response.setHeader("Connection", "close"),
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
} catch (error) {
  // Start-up failures a user can fix get one plain line; anything else keeps its stack.
  const known = error instanceof ConfigError || error instanceof DatabaseLockedError;
  console.error(known ? (error as Error).message : error);
  await database?.close().catch(() => {});
  process.exit(1);
}
