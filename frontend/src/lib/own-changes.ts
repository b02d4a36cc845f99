// This tab's own changes, told apart in the event stream by the X-Request-Id each one is sent
// with: the tab already shows them (optimistically), so their events must not be applied again
// (a task created here would show twice for a moment). The stream also says which change each
// request made, which is what undo needs.

/** Request ids this tab sent, for as long as their events may still arrive. */
const sent = new Map<string, { changeId?: number; waiters: ((id: number) => void)[] }>();
const KEEP = 500;

/** A fresh request id for a change made here (send it as X-Request-Id). */
export function ownRequestId(): string {
  const id = crypto.randomUUID();
  sent.set(id, { waiters: [] });
  if (sent.size > KEEP) sent.delete(sent.keys().next().value as string);
  return id;
}

/** Headers that mark a request as this tab's own change. */
export const ownRequestHeaders = (requestId: string) => ({ "X-Request-Id": requestId });

/** Whether the change with this request id was made in this tab. */
export const isOwnRequest = (requestId: string | null) => requestId !== null && sent.has(requestId);

/** The stream delivered a change: if it is one of ours, its id is now known. */
export function noteOwnChange(requestId: string | null, changeId: number) {
  const entry = requestId === null ? undefined : sent.get(requestId);
  if (!entry || entry.changeId !== undefined) return;
  entry.changeId = changeId;
  for (const waiter of entry.waiters.splice(0)) waiter(changeId);
}

/** The id of the change a request of this tab made, once the stream has delivered it. */
export function changeIdOf(requestId: string, timeoutMs = 10_000): Promise<number> {
  const entry = sent.get(requestId);
  if (!entry) return Promise.reject(new Error("not a change made here"));
  if (entry.changeId !== undefined) return Promise.resolve(entry.changeId);
  return new Promise((resolve, reject) => {
    const timer = window.setTimeout(
      () => reject(new Error("The change has not reached this page yet.")),
      timeoutMs,
    );
    entry.waiters.push((id) => {
      window.clearTimeout(timer);
      resolve(id);
    });
  });
}
