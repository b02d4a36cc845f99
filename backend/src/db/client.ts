// The connection utility: one `Db` type for three drivers, chosen from DATABASE_URL (DESIGN.md §4).
import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Assume } from "drizzle-orm/utils";
import { BACKEND_DIR, ConfigError, DATABASE_URL_FORMAT, type Driver, databaseUrl } from "../env.ts";
import { type ListenHandlers, listenWithReconnect } from "./listen.ts";
import { acquireDirectoryLock } from "./lock.ts";
import * as schema from "./schema.ts";

export type Schema = typeof schema;

/** What the three drivers' raw `execute()` results have in common: the rows. */
export interface RowsResultHKT extends PgQueryResultHKT {
  type: RowsResult<Assume<this["row"], Record<string, unknown>>>;
}
type RowsResult<Row> = { rows: Row[] };

/** The database handle every module uses, whatever the driver. */
export type Db = PgDatabase<RowsResultHKT, Schema>;

export interface Database {
  db: Db;
  driver: Driver;
  /** Where the data lives, safe to log (the password is masked). */
  target: string;
  /** Closes the pool or the embedded database and releases its lock. Safe to call twice. */
  close(): Promise<void>;
  /**
   * LISTENs on `channel` until the returned function is called (on a server, on a connection of
   * its own, reconnecting). Undefined where no connection can listen (Neon's pooled endpoint
   * without DATABASE_DIRECT_URL): the caller polls instead.
   */
  listen?: (channel: string, handlers: ListenHandlers) => () => Promise<void>;
}

export interface ConnectionOptions {
  /** DATABASE_URL: unset for the embedded database in `dataDir`. */
  url?: string | undefined;
  /** DATABASE_DRIVER: overrides the choice made from the URL. */
  driver?: Driver | undefined;
  /** DATA_DIR: where the embedded database lives when `url` is unset. */
  dataDir: string;
  /** DATABASE_DIRECT_URL: where to LISTEN when DATABASE_URL is a pooler (Neon's -pooler host). */
  listenUrl?: string | undefined;
  /** DATABASE_POOL_MAX: connections per pool (pg and neon). */
  poolMax?: number | undefined;
  /** Called when an idle pooled connection fails (the server restarted, the network dropped). */
  onPoolError?: ((error: Error) => void) | undefined;
  /**
   * Called if another process takes the embedded database's lock while it is open (it took us
   * for dead): stop at once. Unset, the lock's heartbeat throws, which ends the process.
   */
  onLockLost?: ((error: Error) => void) | undefined;
}

/** Where to connect: an embedded database (a directory, or memory) or a server URL. */
export type Connection =
  | { driver: "pglite"; dataDir: string | null }
  | { driver: "pg" | "neon"; url: string };

const NEON_HOST = /\.neon\.tech$/i;
/** Neon's pooled endpoints (PgBouncer in transaction mode), where LISTEN does not work. */
const NEON_POOLER = /-pooler\./i;
// A request waits at most this long for a connection: a database that is down or cut off must
// answer 503 quickly (issue 7), not hold the request until the client gives up.
const CONNECT_TIMEOUT_MS = 5_000;

/** Decides the driver and target from the options, without connecting. */
export function resolveConnection(options: ConnectionOptions): Connection {
  const { url, driver } = options;
  if (url !== undefined && !databaseUrl.safeParse(url).success) {
    throw new ConfigError(`Invalid configuration: DATABASE_URL: ${DATABASE_URL_FORMAT}`);
  }
  const embedded = embeddedDatabase(url, options.dataDir);
  if (embedded !== undefined) {
    if (driver && driver !== "pglite") {
      throw new ConfigError(
        `Invalid configuration: DATABASE_DRIVER: "${driver}" needs DATABASE_URL to be a postgres:// URL`,
      );
    }
    return { driver: "pglite", ...embedded };
  }
  const serverUrl = url as string;
  if (driver === "pglite") {
    throw new ConfigError(
      'Invalid configuration: DATABASE_DRIVER: "pglite" needs DATABASE_URL unset, memory:// or file:<path>',
    );
  }
  return {
    driver: driver ?? (NEON_HOST.test(new URL(serverUrl).hostname) ? "neon" : "pg"),
    url: serverUrl,
  };
}

/** Where an embedded database lives (null: in memory), or undefined for a server URL. */
function embeddedDatabase(
  url: string | undefined,
  dataDir: string,
): { dataDir: string | null } | undefined {
  if (url === undefined) return { dataDir: resolve(dataDir, "pglite") };
  if (url === "memory://") return { dataDir: null };
  if (url.startsWith("file:")) return { dataDir: resolvePath(url.slice("file:".length)) };
  return undefined;
}

function resolvePath(path: string): string {
  const plain = path.replace(/^\/\/(?=\/)/, ""); // file:///abs/path and file:/abs/path alike
  return isAbsolute(plain) ? plain : resolve(BACKEND_DIR, plain);
}

/** The URL with its password masked, for logs and messages. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

/** Describes a connection for the start-up line: driver and where, never a password. */
export function describeConnection(connection: Connection): string {
  if (connection.driver === "pglite") {
    return `PGlite (embedded) ${connection.dataDir ? `at ${connection.dataDir}` : "in memory"}`;
  }
  const name =
    connection.driver === "neon" ? "Neon serverless (WebSocket)" : "Postgres (node-postgres)";
  return `${name} at ${redactUrl(connection.url)}`;
}

/**
 * PGlite runs Postgres in one WASM process, in single-user mode: there is one connection, and its
 * shared memory is zeroed at start-up (so resident at once) and lives in the WASM heap. initdb's
 * defaults are sized for a server: 128 MB of shared buffers cost ~140 MB of RSS and ~130 ms of
 * start-up (the memset) before the first query. The embedded database is for one user's machine
 * and small data; the OS page cache still holds the table files, so a smaller pool costs a syscall
 * per page miss, not a disk read (bench/results/startup.md).
 */
export const PGLITE_SETTINGS = ["-c", "shared_buffers=16MB", "-c", "max_connections=8"];

/** The embedded driver's modules, loaded only when it is used (the 9 MB WASM, its extensions). */
async function loadPglite() {
  const [{ PGlite }, { btree_gin }, { pg_trgm }, { drizzle }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite/contrib/btree_gin"),
    import("@electric-sql/pglite/contrib/pg_trgm"),
    import("drizzle-orm/pglite"),
  ]);
  return { PGlite, btree_gin, pg_trgm, drizzle };
}

/** Opens the database the options point at. The caller must `close()` it. */
export async function openDatabase(options: ConnectionOptions): Promise<Database> {
  const connection = resolveConnection(options);
  const target = describeConnection(connection);
  // Without a connect timeout, a server that drops packets would hang start-up and requests forever.
  // keepAlive: TCP notices a dead peer on an idle pooled connection instead of keeping it forever.
  const poolConfig = {
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
  };

  switch (connection.driver) {
    case "pglite": {
      const { dataDir } = connection;
      let releaseLock = () => {};
      if (dataDir) {
        mkdirSync(dirname(dataDir), { recursive: true });
        const lock = await acquireDirectoryLock(dataDir, { onLost: options.onLockLost });
        releaseLock = lock.release;
      }
      let client: PGlite;
      let drizzlePglite: typeof import("drizzle-orm/pglite").drizzle;
      try {
        const pglite = await loadPglite();
        drizzlePglite = pglite.drizzle;
        client = await pglite.PGlite.create({
          ...(dataDir ? { dataDir } : {}),
          extensions: { pg_trgm: pglite.pg_trgm, btree_gin: pglite.btree_gin },
          startParams: [...pglite.PGlite.defaultStartParams, ...PGLITE_SETTINGS],
        });
      } catch (error) {
        releaseLock();
        throw error;
      }
      const db: Db = drizzlePglite({ client, schema });
      return {
        db,
        driver: "pglite",
        target,
        // In-process: the one connection is everyone's, and notifications never get lost.
        listen: (channel, handlers) => {
          const unlisten = client
            .listen(channel, (payload) => handlers.onMessage(payload))
            .then((stop) => {
              handlers.onConnected();
              return stop;
            });
          return async () => (await unlisten)();
        },
        close: once(async () => {
          try {
            await client.close();
          } finally {
            releaseLock();
          }
        }),
      };
    }
    case "pg": {
      const [{ default: pg }, { drizzle: drizzleNodePg }] = await Promise.all([
        import("pg"),
        import("drizzle-orm/node-postgres"),
      ]);
      const pool = new pg.Pool({ connectionString: connection.url, ...poolConfig });
      pool.on("error", (error) => options.onPoolError?.(error));
      const db: Db = drizzleNodePg({ client: pool, schema });
      const listenUrl = options.listenUrl ?? connection.url;
      return {
        db,
        driver: "pg",
        target,
        close: once(() => pool.end()),
        listen: (channel, handlers) =>
          listenWithReconnect(
            () => new pg.Client({ connectionString: listenUrl, ...poolConfig }),
            channel,
            handlers,
          ),
      };
    }
    case "neon": {
      const [{ Pool: NeonPool, Client: NeonClient, neonConfig }, { drizzle: drizzleNeon }] =
        await Promise.all([
          import("@neondatabase/serverless"),
          import("drizzle-orm/neon-serverless"),
        ]);
      // Node 20 has no global WebSocket; Node 22+ does, and the driver then uses it.
      if (typeof globalThis.WebSocket === "undefined") {
        neonConfig.webSocketConstructor = (await import("ws")).default;
      }
      const pool = new NeonPool({ connectionString: connection.url, ...poolConfig });
      pool.on("error", (error: Error) => options.onPoolError?.(error));
      const db: Db = drizzleNeon({ client: pool, schema });
      const listenUrl =
        options.listenUrl ??
        (NEON_POOLER.test(new URL(connection.url).hostname) ? undefined : connection.url);
      return {
        db,
        driver: "neon",
        target,
        close: once(() => pool.end()),
        ...(listenUrl && {
          listen: (channel: string, handlers: ListenHandlers) =>
            listenWithReconnect(
              () => new NeonClient({ connectionString: listenUrl, ...poolConfig }),
              channel,
              handlers,
            ),
        }),
      };
    }
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= fn();
    return done;
  };
}
