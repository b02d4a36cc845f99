// A Server-Sent Events client for tests: fetch and eventsource-parser, with a queue the test reads
// from (`next`), and a way to tell when the server ended the stream (`ended`).
import { type EventSourceMessage, EventSourceParserStream } from "eventsource-parser/stream";

export interface EventStream {
  /** The next event, or a rejection after `timeoutMs` or when the stream ends first. */
  next(timeoutMs?: number): Promise<EventSourceMessage>;
  /** The next `count` events. */
  take(count: number, timeoutMs?: number): Promise<EventSourceMessage[]>;
  /** Every event received so far, read or not. */
  readonly received: EventSourceMessage[];
  /** Settles when the server ends the stream (or `close` is called). */
  readonly ended: Promise<void>;
  readonly status: number;
  close(): void;
}

export async function openEventStream(
  url: string,
  headers: Record<string, string>,
): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { Accept: "text/event-stream", ...headers },
    signal: controller.signal,
  });
  const received: EventSourceMessage[] = [];
  const queue: EventSourceMessage[] = [];
  let waiter: (() => void) | undefined;
  let finished = false;

  const ended = (async () => {
    if (!response.ok || !response.body) return;
    const events = response.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream());
    try {
      for await (const event of events) {
        received.push(event);
        queue.push(event);
        waiter?.();
      }
    } catch {
      // aborted by close()
    } finally {
      finished = true;
      waiter?.();
    }
  })();

  async function next(timeoutMs = 5000): Promise<EventSourceMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = queue.shift();
      if (event) return event;
      if (finished) throw new Error("the stream ended");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      waiter = undefined;
    }
  }

  return {
    next,
    async take(count, timeoutMs) {
      const events: EventSourceMessage[] = [];
      while (events.length < count) events.push(await next(timeoutMs));
      return events;
    },
    received,
    ended,
    status: response.status,
    close: () => controller.abort(),
  };
}
