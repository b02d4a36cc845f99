// Instants (RFC 3339 date-times) as clients send them and the database stores them.

/** Why instantToUtc refused an instant, for the 422. */
export const INSTANT_RANGE = "must fall in the years 1 to 9999 (UTC)";

/**
 * An RFC 3339 instant from a client, as UTC with its fraction kept as given; undefined outside the
 * years 1 to 9999 (UTC). RFC 3339 allows offsets up to ±23:59 and the year 0; Postgres refuses
 * offsets past ±15:59 and the year 0, and such an instant would not read back as RFC 3339.
 */
export function instantToUtc(value: string): string | undefined {
  const ms = Date.parse(value.replace(/\.\d+/, ""));
  const utc = Number.isNaN(ms) ? "" : new Date(ms).toISOString();
  if (!/^\d{4}-/.test(utc) || utc.startsWith("0000")) return undefined;
  return `${utc.slice(0, 19)}${/\.\d+/.exec(value)?.[0] ?? ""}Z`;
}
