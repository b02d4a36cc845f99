// The spec-driven fuzzer's valid values (issue 7, part 2): strings and values that a JSON Schema of
// the OpenAPI document accepts, and strings that have broken parsers before. openapi-invalid.ts
// makes the values the schemas refuse; fuzz.test.ts drives both against a running server.

import fc from "fast-check";
import { deref, type JsonSchema, type OpenApiDocument } from "../openapi-document.ts";

export function typesOf(schema: JsonSchema): string[] {
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (schema.nullable && !types.includes("null")) types.push("null");
  if (types.length > 0) return types;
  if (schema.properties) return ["object"];
  if (schema.items) return ["array"];
  return [];
}

// ---- Strings ----

/**
 * Pieces a valid string is made of, most one code point, some a sequence (a flag, a skin tone): no
 * control characters, which the API refuses in text.
 */
const textCodePoint: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(" ", "é", "ß", "Ω", "ж", "中", "字", "ー", "ä") },
  // Right-to-left text and marks, zero-width joiners, combining marks.
  { weight: 1, arbitrary: fc.constantFrom("א", "ب", "\u200f", "\u200e", "\u202e", "\u200d") },
  { weight: 1, arbitrary: fc.constantFrom("\u0301", "\ufeff", "\u2028", "\u00a0", "\u3000") },
  // Astral: emoji (two UTF-16 units each) and others.
  { weight: 1, arbitrary: fc.constantFrom("😀", "👍🏽", "🏳️‍🌈", "𝔘", "𠜎") },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0xa0, max: 0x10ffff })
      .filter((c) => c < 0xd800 || c > 0xdfff)
      .map((c) => String.fromCodePoint(c))
      .filter((c) => !/\p{Cc}|\p{Cs}|\p{Cn}/u.test(c)),
  },
);

const WHITESPACE = /^\s$/u;

/**
 * A string of `min`..`max` code points (JSON Schema counts code points), biased to the edges of
 * the range as well as short strings. The first and last code points are never whitespace: a
 * server that trims may otherwise fairly refuse a blank "valid" string.
 */
export function textOfLength(min: number, max: number): fc.Arbitrary<string> {
  const length = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min, max: Math.min(max, min + 40) }) },
    { weight: 1, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.constantFrom(min, max, Math.max(min, max - 1)) },
  );
  return length.chain((n) =>
    fc.array(textCodePoint, { minLength: n, maxLength: n }).map((points) => {
      if (points.length > 0 && WHITESPACE.test(points[0] ?? "")) points[0] = "x";
      const last = points.length - 1;
      if (last > 0 && WHITESPACE.test(points[last] ?? "")) points[last] = "y";
      // Some pieces are several code points (a flag, a skin tone): trade them for one until the
      // string is within `max` code points.
      let count = codePoints(points.join(""));
      for (let i = last; i >= 0 && count > max; i--) {
        const size = codePoints(points[i] ?? "");
        if (size > 1) {
          count -= size - 1;
          points[i] = "z";
        }
      }
      return points.join("");
    }),
  );
}

/** Code-point length, as JSON Schema's minLength/maxLength count. */
export const codePoints = (s: string) => [...s].length;

/**
 * Strings that have broken parsers, databases and renderers before. Some are refused by this API
 * (control characters), so a request carrying one is judged by the general checks alone.
 */
export const ODD_STRINGS: readonly string[] = [
  "\u0000",
  "a\u0000b",
  "%00",
  "\ud800",
  "a\udc00b",
  "\udbff\udfff",
  "\u202eevil\u202c",
  "\u200f\u200e",
  "😀".repeat(60),
  "🏳️‍🌈👩‍👩‍👧‍👦",
  "'; drop table tasks; --",
  "' or '1'='1",
  "select * from users where id = 1",
  "%' or 1=1 --",
  "\\",
  "%_%",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "{{7*7}}$" + "{7*7}",
  "../../etc/passwd",
  "\r\n\r\n",
  "\t",
  " ",
  "null",
  "undefined",
  "NaN",
  "-0",
  "1e309",
  "0x10",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "ǅ\u0345\u0130ﬀ",
  "Ⅻ⁰¹²",
  "e\u0301\u0301\u0301\u0301\u0301\u0301",
  "中文字符".repeat(50),
  "a".repeat(1000),
  "🙂".repeat(2000),
];

/** Numbers at the edges of 32-bit, 53-bit and IEEE-754 ranges. */
export const BOUNDARY_NUMBERS: readonly number[] = [
  0,
  -0,
  -1,
  1,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  0.5,
  1.5,
  1e-7,
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
];

/** Query and path values that are not numbers, or not integers, or not 32-bit ones. */
export const NOT_AN_INTEGER: readonly string[] = [
  "abc",
  "1.5",
  "-1",
  "0",
  "2147483648",
  "9007199254740993",
  "99999999999999999999999",
  "NaN",
  "Infinity",
  "-Infinity",
  "1,2",
  "[1]",
];

// ---- Valid values ----

export interface GenerateOptions {
  /** Longest string to build outside the edge cases (keeps bodies well under size limits). */
  maxStringLength?: number;
  maxArrayLength?: number;
  /** Values for properties the document cannot constrain (an IANA time zone), by name. */
  properties?: Record<string, fc.Arbitrary<unknown>>;
}

/** A fast-check arbitrary for values `schema` accepts. */
export function validValue(
  doc: OpenApiDocument,
  input: JsonSchema,
  options: GenerateOptions = {},
): fc.Arbitrary<unknown> {
  const schema = deref(doc, input);
  if ("const" in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  // oneOf wants exactly one match: fine for the disjoint alternatives documents use in practice.
  if (alternatives) return fc.oneof(...alternatives.map((s) => validValue(doc, s, options)));
  if (schema.allOf) {
    // A shallow merge: enough for allOf parts that add properties (no conflicting keywords).
    const { allOf, ...merged } = schema;
    for (const s of allOf) {
      const part = deref(doc, s);
      Object.assign(merged, part, {
        properties: { ...merged.properties, ...part.properties },
        required: [...(merged.required ?? []), ...(part.required ?? [])],
      });
    }
    return validValue(doc, merged, options);
  }
  const types = typesOf(schema);
  if (types.length === 0) return fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(...types.map((type) => validOfType(doc, schema, type, options)));
}

function validOfType(
  doc: OpenApiDocument,
  schema: JsonSchema,
  type: string,
  options: GenerateOptions,
): fc.Arbitrary<unknown> {
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer": {
      const min = Math.max(
        schema.minimum ?? Number.MIN_SAFE_INTEGER,
        schema.exclusiveMinimum === undefined ? -Infinity : Math.floor(schema.exclusiveMinimum) + 1,
        Number.MIN_SAFE_INTEGER,
      );
      const max = Math.min(
        schema.maximum ?? Number.MAX_SAFE_INTEGER,
        schema.exclusiveMaximum === undefined ? Infinity : Math.ceil(schema.exclusiveMaximum) - 1,
        Number.MAX_SAFE_INTEGER,
      );
      return fc.oneof(
        {
          weight: 4,
          arbitrary: fc.integer({ min: Math.max(min, -1000), max: Math.min(max, 1000) }),
        },
        { weight: 2, arbitrary: fc.maxSafeInteger().filter((n) => n >= min && n <= max) },
        { weight: 1, arbitrary: fc.constantFrom(min, max) },
      );
    }
    case "number": {
      const min = schema.minimum ?? schema.exclusiveMinimum ?? -Number.MAX_VALUE;
      const max = schema.maximum ?? schema.exclusiveMaximum ?? Number.MAX_VALUE;
      return fc
        .double({ min, max, noNaN: true, noDefaultInfinity: true })
        .filter(
          (n) =>
            (schema.exclusiveMinimum === undefined || n > schema.exclusiveMinimum) &&
            (schema.exclusiveMaximum === undefined || n < schema.exclusiveMaximum),
        );
    }
    case "string":
      return validString(schema, options);
    case "array": {
      const cap = options.maxArrayLength ?? 30;
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? cap, cap));
      const item = validValue(doc, schema.items ?? {}, options);
      const edge = fc.constantFrom(minLength, maxLength);
      const length = fc.oneof(
        {
          weight: 4,
          arbitrary: fc.integer({ min: minLength, max: Math.min(maxLength, minLength + 5) }),
        },
        { weight: 1, arbitrary: edge },
      );
      return length.chain((n) =>
        schema.uniqueItems
          ? fc.uniqueArray(item, { minLength: n, maxLength: n, selector: (v) => JSON.stringify(v) })
          : fc.array(item, { minLength: n, maxLength: n }),
      );
    }
    case "object": {
      const properties = schema.properties ?? {};
      const record = fc.record(
        Object.fromEntries(
          Object.entries(properties).map(([key, s]) => [
            key,
            options.properties?.[key] ?? validValue(doc, s, options),
          ]),
        ),
        { requiredKeys: schema.required ?? [] },
      );
      const extra = schema.additionalProperties;
      if (typeof extra !== "object") return record;
      const unknownKey = fc
        .string({ minLength: 1, maxLength: 12 })
        .filter((key) => !(key in properties) && key !== "__proto__");
      return fc
        .tuple(record, fc.dictionary(unknownKey, validValue(doc, extra, options), { maxKeys: 3 }))
        .map(([known, more]) => ({ ...more, ...known }));
    }
    default:
      throw new Error(`the fuzzer cannot generate JSON Schema type ${type}`);
  }
}

const DATE_TIME = fc
  .record({
    // Instants whose local time, at any offset, still has a four-digit year.
    ms: fc.integer({
      min: Date.parse("0001-01-02T00:00:00Z"),
      max: Date.parse("9999-12-30T23:59:59Z"),
    }),
    offsetMinutes: fc.oneof(
      fc.constant(0),
      fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
    ),
    fraction: fc.constantFrom("", ".5", ".123", ".123456", ".123456789"),
    zulu: fc.boolean(),
  })
  .map(({ ms, offsetMinutes, fraction, zulu }) => {
    const offset = zulu ? 0 : offsetMinutes;
    const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
    const sign = offset < 0 ? "-" : "+";
    const abs = Math.abs(offset);
    const pad = (n: number) => String(n).padStart(2, "0");
    const zone = zulu ? "Z" : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
    return `${local}${fraction}${zone}`;
  });

function validString(schema: JsonSchema, options: GenerateOptions): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.max(min, schema.maxLength ?? options.maxStringLength ?? 300);
  const inRange = (s: string) => codePoints(s) >= min && codePoints(s) <= max;
  switch (schema.format) {
    case "date-time":
      return DATE_TIME.filter(inRange);
    case "date":
      return DATE_TIME.map((s) => s.slice(0, 10)).filter(inRange);
    case "email":
      return fc.emailAddress().filter(inRange);
    case "uuid":
      return fc.uuid().filter(inRange);
    case "uri":
    case "url":
      return fc.webUrl().filter(inRange);
  }
  if (schema.pattern !== undefined) {
    return fc.stringMatching(new RegExp(schema.pattern, "u")).filter(inRange);
  }
  return textOfLength(min, max);
}
