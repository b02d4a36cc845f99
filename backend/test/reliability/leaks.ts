// What must never reach a client, for the fuzzers' checks: stack traces, SQL text, password hashes,
// tokens, and the strings a test names as someone else's.

const STACK_FRAMES = [
  /\bat .+\.(?:ts|js|mjs|cjs):\d+/,
  /(?:^|\\n|\n)\s*at (?:async )?[\w$.<>]+ \(/,
  /\b\w*(?:Error|Exception): [^"]*(?:\\n|\n)\s*at /,
  /node_modules\//,
];
const SQL_TEXT = [
  /\b(?:select|insert|update|delete)\b[^"]{0,200}\b(?:from|where|into|values|returning)\b/i,
  /\brelation "[^"]+"/i,
  /\bviolates\b/i,
  /\bSQLSTATE\b/i,
  /\bsyntax error at or near\b/i,
  /\bduplicate key value\b/i,
  /\binvalid (?:input syntax|byte sequence)\b/i,
  /\bout of range for type\b/i,
  /\b(?:pg_catalog|information_schema)\b/i,
  /\bdrizzle\b/i,
  /\bFailed query\b/i,
];
/** Better Auth stores scrypt hashes as `<hex salt>:<hex key>`. */
const PASSWORD_HASH = /\b[0-9a-f]{16,}:[0-9a-f]{64,}\b/i;
const JWT = /\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]{10,}/;

/**
 * Keys whose values are the client's own text, echoed back: not scanned for stack or SQL text
 * (a task's fields; a Better Auth user's).
 */
const CLIENT_TEXT = new Set(["title", "description", "tags", "name", "email", "image"]);

function withoutClientText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutClientText);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !CLIENT_TEXT.has(key))
      .map(([key, v]) => [key, withoutClientText(v)]),
  );
}

/** Strings that must never reach this caller: the other user's markers, id, email, any token. */
export interface Secrets {
  forbidden: { label: string; text: string }[];
}

/** What in a response body and headers would be a leak: stack traces, SQL, hashes, tokens, others' data. */
export function findLeaks(
  response: { headers: Record<string, string | string[] | undefined>; body: string },
  secrets: Secrets,
): string[] {
  const found: string[] = [];
  const headerText = Object.entries(response.headers)
    .filter(([name]) => name !== "set-cookie")
    .map(([name, v]) => `${name}: ${String(v)}`)
    .join("\n");
  const everything = `${headerText}\n${response.body}`;
  for (const { label, text } of secrets.forbidden) {
    if (text && everything.includes(text)) found.push(`contains ${label}`);
  }
  if (PASSWORD_HASH.test(everything)) found.push("contains a password hash");
  if (JWT.test(everything)) found.push("contains a JWT");
  let scannable = response.body;
  try {
    scannable = JSON.stringify(withoutClientText(JSON.parse(response.body)));
  } catch {
    // not JSON: scan it whole
  }
  const text = `${headerText}\n${scannable}`;
  for (const pattern of STACK_FRAMES)
    if (pattern.test(text)) found.push(`stack trace (${pattern})`);
  for (const pattern of SQL_TEXT) if (pattern.test(text)) found.push(`SQL text (${pattern})`);
  return found;
}
