// A 401 from the API while the app is open means the session ended under it: signed out
// everywhere from another device, expired, or the cookie cleared. Whatever the request, the answer
// is the same: say so, keep what the user was typing, and go to sign in, coming back here after.
import { signInPath } from "./safe-next";

let ended = false;
const listeners = new Set<() => void>();

/** Called by the API client on a 401 for a signed-in request. Later calls change nothing. */
export function reportSessionEnded() {
  if (ended) return;
  ended = true;
  for (const listener of listeners) listener();
}

/** Calls `listener` when the session is found ended; returns the unsubscribe. */
export function onSessionEnded(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** True once a request has found the session ended; the page is about to go to sign in. */
export const sessionHasEnded = () => ended;

/** Leaves for the sign-in page, which sends the user back to this page (URL state included).
 * A full navigation, not a client one: nothing cached for this session should outlive it. */
export function goToSignIn() {
  window.location.replace(signInPath(`${window.location.pathname}${window.location.search}`));
}

// --- text kept across the trip to sign in ---------------------------------------------------
// sessionStorage: this tab only, gone when it closes, and read once (a later reload starts clean).

const DRAFTS = "todo:drafts";

/** Keeps `drafts` for the next time this page (path) is opened in this tab, by `takeDrafts`. */
export function keepDrafts(drafts: object) {
  try {
    sessionStorage.setItem(DRAFTS, JSON.stringify({ path: window.location.pathname, drafts }));
  } catch {
    // Storage full or disabled: the trip to sign in still happens, the text is lost.
  }
}

/** What `keepDrafts` kept for this page, once: it is removed as it is read. */
export function takeDrafts<T extends object>(): Partial<T> | undefined {
  try {
    const text = sessionStorage.getItem(DRAFTS);
    if (text === null) return undefined;
    sessionStorage.removeItem(DRAFTS);
    const kept = JSON.parse(text) as { path?: unknown; drafts?: unknown };
    if (kept.path !== window.location.pathname || typeof kept.drafts !== "object") return undefined;
    return (kept.drafts ?? undefined) as Partial<T> | undefined;
  } catch {
    return undefined;
  }
}
