/** Where to go after signing in: only a path on this site, never another origin. */
export function safeNext(next: string | string[] | null | undefined, fallback = "/tasks"): string {
  if (typeof next !== "string") return fallback;
  // "//evil.example" and "/\evil.example" are protocol-relative URLs to another host.
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}
