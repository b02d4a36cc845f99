// One event stream per browser (GET /api/me/events), shared by its tabs: the tab holding a Web
// Lock opens it and passes each event to the others over a BroadcastChannel; when that tab closes,
// the lock goes to another, which resumes from the last event every tab has seen. After a network
// loss the stream reconnects with backoff and catches up from there (the server replays exactly
// the missed changes). Without Web Locks or BroadcastChannel, each tab holds its own stream.
import { EVENTS } from "@todo/contract/changes";
import type { Change } from "./api";

export type StreamStatus = "connecting" | "live" | "offline";

export type StreamMessage =
  | { type: "change"; change: Change }
  /** The changes since the last event are gone from the server's log: reload everything. */
  | { type: "reload" }
  | { type: "status"; status: StreamStatus };

const LOCK = "todo-change-stream";
const CHANNEL = "todo-change-stream";
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

/** Starts listening; `onMessage` gets every message, in order. Returns the function that stops. */
export function startChangeStream(onMessage: (message: StreamMessage) => void): () => void {
  let lastEventId: string | undefined;
  let stopped = false;
  const channel = "BroadcastChannel" in window ? new BroadcastChannel(CHANNEL) : undefined;

  const deliver = (message: StreamMessage, share: boolean) => {
    if (message.type === "change") lastEventId = String(message.change.id);
    if (share) channel?.postMessage(message);
    onMessage(message);
  };
  if (channel) {
    channel.onmessage = (event: MessageEvent<StreamMessage>) => deliver(event.data, false);
  }

  let release: () => void = () => {};
  const lead = () =>
    new Promise<void>((resolve) => {
      const close = holdStream(
        () => lastEventId,
        (message) => deliver(message, true),
      );
      release = () => {
        close();
        resolve();
      };
      if (stopped) release();
    });

  if (channel && navigator.locks) {
    onMessage({ type: "status", status: "connecting" });
    void navigator.locks.request(LOCK, () => (stopped ? undefined : lead()));
  } else {
    void lead();
  }

  return () => {
    stopped = true;
    release();
    channel?.close();
  };
}

/** Holds the EventSource, reconnecting with backoff, until the returned function is called. */
function holdStream(
  lastEventId: () => string | undefined,
  deliver: (message: StreamMessage) => void,
): () => void {
  let source: EventSource | undefined;
  let retryMs = BACKOFF_MIN_MS;
  let timer: number | undefined;
  let closed = false;

  const connect = () => {
    const last = lastEventId();
    deliver({ type: "status", status: "connecting" });
    const current = new EventSource(`/api/me/events${last ? `?last_event_id=${last}` : ""}`);
    source = current;
    current.addEventListener(EVENTS.ready, () => {
      retryMs = BACKOFF_MIN_MS;
      // A stream from now on: what changed between the page's first load and now is not in it.
      if (!last) deliver({ type: "reload" });
      deliver({ type: "status", status: "live" });
    });
    current.addEventListener(EVENTS.reload, () => {
      retryMs = BACKOFF_MIN_MS;
      deliver({ type: "reload" });
      deliver({ type: "status", status: "live" });
    });
    current.addEventListener(EVENTS.change, (event) => {
      deliver({ type: "change", change: JSON.parse((event as MessageEvent<string>).data) });
    });
    // EventSource would retry at once, forever; this waits longer after each failure instead,
    // and reconnects from the last change this browser saw.
    current.onerror = () => {
      current.close();
      if (closed) return;
      deliver({ type: "status", status: "offline" });
      timer = window.setTimeout(() => {
        timer = undefined;
        connect();
      }, retryMs);
      retryMs = Math.min(retryMs * 2, BACKOFF_MAX_MS);
    };
  };
  // Back online: try now rather than at the end of the backoff.
  const online = () => {
    if (closed || !timer) return;
    window.clearTimeout(timer);
    timer = undefined;
    retryMs = BACKOFF_MIN_MS;
    connect();
  };
  window.addEventListener("online", online);
  connect();

  return () => {
    closed = true;
    window.clearTimeout(timer);
    window.removeEventListener("online", online);
    source?.close();
  };
}
