// Stands in for the app's own origin: only whether `next` leaves it matters, not what it is.
const HERE = "http://app.invalid";

/**
 * Where to go after signing in: a path on this site, normalised (so it holds no tab, line break or
 * dot segment), or `fallback`. `next` is resolved the way a browser resolves it, by the URL parser:
 * string checks miss "/\t/evil.example", which the parser reads as "//evil.example".
 */
export function safeNext(next: string | string[] | null | undefined, fallback = "/tasks"): string {
  if (typeof next !== "string") return fallback;
  let url: URL;
  try {
    url = new URL(next, HERE);
  } catch {
    return fallback;
  }
  if (url.origin !== HERE) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/a/..//evil.example" normalises to "//evil.example", another host once it is used again.
  return new URL(path, HERE).origin === HERE ? path : fallback;
}

/** The sign-in page, coming back to `path` (this site's, e.g. the current page) afterwards. */
export function signInPath(path: string): string {
  return `/sign-in?next=${encodeURIComponent(safeNext(path))}`;
}
