// Undo and redo for this tab, through the server's change log (decision 021): every change made
// here is remembered by the id of the request that made it; undoing asks the server to reverse
// that change (POST /api/me/changes/{id}/undo), which it does only if nothing changed since; the
// reversal is a change too, so undoing it redoes. The stacks live in sessionStorage: Ctrl+Z still
// works after a reload.
import { ApiError, type Change, client, data } from "./api";
import { changeIdOf } from "./own-changes";

interface Entry {
  /** What the user did, for the toast ("Deleted “Buy milk”"). */
  label: string;
  requestId?: string;
  changeId?: number;
}

interface Stacks {
  undo: Entry[];
  redo: Entry[];
}

const KEY = "todo-undo";
/** Past this, the oldest changes cannot be undone from here (the log keeps them still). */
const DEPTH = 100;
const me = { user_id: "me" } as const;

function load(): Stacks {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? "") as Stacks;
    if (Array.isArray(stored.undo) && Array.isArray(stored.redo)) return stored;
  } catch {
    // nothing stored, or not ours
  }
  return { undo: [], redo: [] };
}

function save(stacks: Stacks) {
  stacks.undo.splice(0, Math.max(0, stacks.undo.length - DEPTH));
  sessionStorage.setItem(KEY, JSON.stringify(stacks));
}

/** A change this tab made (its request id): the newest to undo; nothing is left to redo. */
export function recordChange(requestId: string, label: string) {
  const stacks = load();
  const entry: Entry = { label, requestId };
  stacks.undo.push(entry);
  stacks.redo = [];
  save(stacks);
  // Once the event stream names the change, keep its id: after a reload the request id is all the
  // page would have to find it by.
  changeIdOf(requestId)
    .then((changeId) => {
      const now = load();
      const stored = now.undo.find((e) => e.requestId === requestId);
      if (stored) {
        stored.changeId = changeId;
        save(now);
      }
    })
    .catch(() => {});
}

/** The id of the change an entry stands for: known, told by the stream, or found in the log. */
async function changeIdOfEntry(entry: Entry): Promise<number> {
  if (entry.changeId !== undefined) return entry.changeId;
  const { requestId } = entry;
  if (requestId === undefined) throw new Error("Nothing to undo.");
  try {
    return await changeIdOf(requestId, 2000);
  } catch {
    // Made before a reload, or the stream is down: the log itself says which change it was.
    const page = await data(
      client.GET("/api/{user_id}/activity", { params: { path: me, query: { limit: 100 } } }),
    );
    const found = page.items.find((change) => change.request_id === requestId);
    if (!found) throw new Error("That change is no longer in your history.");
    return found.id;
  }
}

const reverse = (changeId: number) =>
  data(
    client.POST("/api/{user_id}/changes/{id}/undo", {
      params: { path: { ...me, id: String(changeId) } },
    }),
  );

export interface Reversal {
  label: string;
  /** The change the server made to reverse it. */
  change: Change;
}

/** Undoes this tab's last change; null when there is none. Throws the server's refusal (409). */
export async function undoLast(): Promise<Reversal | null> {
  return step("undo", "redo");
}

/** Redoes the last change undone here; null when there is none. */
export async function redoLast(): Promise<Reversal | null> {
  return step("redo", "undo");
}

/** Undoes one particular change of this tab (from its toast), wherever it is in the stack. */
export async function undoRequest(requestId: string): Promise<Reversal | null> {
  const stacks = load();
  const index = stacks.undo.findIndex((entry) => entry.requestId === requestId);
  if (index < 0) return null;
  const [entry] = stacks.undo.splice(index, 1);
  save(stacks);
  return apply(entry as Entry, "undo", "redo");
}

async function step(from: keyof Stacks, to: keyof Stacks): Promise<Reversal | null> {
  const stacks = load();
  const entry = stacks[from].pop();
  if (!entry) return null;
  save(stacks);
  return apply(entry, from, to);
}

/**
 * Reverses `entry`'s change and remembers the reversal on the `to` stack. Refused for good (the
 * tasks changed since, or the change is gone), the entry stays off its stack; any other failure
 * (offline) puts it back, to try again.
 */
async function apply(entry: Entry, from: keyof Stacks, to: keyof Stacks): Promise<Reversal> {
  let change: Change;
  try {
    change = await reverse(await changeIdOfEntry(entry));
  } catch (error) {
    const final = error instanceof ApiError && (error.status === 404 || error.status === 409);
    if (!final) {
      const stacks = load();
      stacks[from].push(entry);
      save(stacks);
    }
    throw error;
  }
  const stacks = load();
  stacks[to].push({ label: entry.label, changeId: change.id });
  save(stacks);
  return { label: entry.label, change };
}
