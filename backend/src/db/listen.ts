// LISTEN on a Postgres server, on a connection of its own that comes back after the server or the
// network drops it. A pooled connection cannot listen: it goes back to the pool between queries
// (and a pooler such as Neon's, in transaction mode, drops LISTEN altogether).

/** What a listener is told. */
export interface ListenHandlers {
  onMessage(payload: string): void;
  /**
   * After every (re)connection: notifications sent while it was down are lost, so the caller
   * catches up some other way (the change feed reads the log).
   */
  onConnected(): void;
  onError(error: Error): void;
}

/** The part of a pg (or Neon) Client a listener uses. */
export interface ListeningClient {
  connect(): Promise<unknown>;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: "notification", listener: (message: { payload?: string }) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "end", listener: () => void): unknown;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;
/** Connecting, and each check of a held connection, fails after this long. */
const TIMEOUT_MS = 5_000;
/**
 * A held connection is checked this often: a network that silently drops packets would leave it
 * open for hours, deaf to every NOTIFY.
 */
const CHECK_EVERY_MS = 15_000;

/** `promise`, or a rejection after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Keeps a LISTEN on `channel` until the returned function is called. */
export function listenWithReconnect(
  newClient: () => ListeningClient,
  channel: string,
  handlers: ListenHandlers,
): () => Promise<void> {
  let stopped = false;
  let client: ListeningClient | undefined;
  let retryMs = RETRY_MIN_MS;
  let timer: NodeJS.Timeout | undefined;
  let check: NodeJS.Timeout | undefined;

  const retry = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };

  async function connect() {
    const current = newClient();
    client = current;
    let lost = false;
    const drop = (error?: Error) => {
      if (lost || stopped) return;
      lost = true;
      clearInterval(check);
      if (error) handlers.onError(error);
      void within(current.end(), TIMEOUT_MS, "closing").catch(() => {});
      retry();
    };
    current.on("error", drop);
    current.on("end", () => drop());
    current.on("notification", (message) => handlers.onMessage(message.payload ?? ""));
    try {
      await within(
        current.connect().then(() => current.query(`LISTEN "${channel}"`)),
        TIMEOUT_MS,
        "connecting",
      );
    } catch (error) {
      drop(error as Error);
      return;
    }
    if (stopped) return void current.end().catch(() => {});
    retryMs = RETRY_MIN_MS;
    check = setInterval(() => {
      within(current.query("select 1"), TIMEOUT_MS, "checking the connection").catch(drop);
    }, CHECK_EVERY_MS);
    check.unref();
    handlers.onConnected();
  }

  void connect();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    clearInterval(check);
    // A connection the network swallowed may never finish closing: do not wait for it long.
    if (client) await within(client.end(), TIMEOUT_MS, "closing").catch(() => {});
  };
}
