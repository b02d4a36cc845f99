// The spec-driven fuzzer's generator and checks (issue 7, part 2): everything here is read from an
// OpenAPI 3.1 document (JSON Schema 2020-12), never from the route objects, so the document is what
// is tested. fuzz.test.ts drives it against a running server.

import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fc from "fast-check";

// ---- The document ----

/** A JSON Schema, as far as this fuzzer reads one (the subset the document uses, and a bit more). */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  nullable?: boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  example?: unknown;
  description?: string;
};

interface MediaType {
  schema?: JsonSchema;
}

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: JsonSchema;
}

interface DeclaredResponse {
  description?: string;
  headers?: Record<string, { required?: boolean; schema?: JsonSchema }>;
  content?: Record<string, MediaType>;
}

interface RawOperation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, MediaType> };
  responses?: Record<string, DeclaredResponse>;
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
  security?: Record<string, string[]>[];
}

export interface Operation {
  id: string;
  method: string;
  /** The path template, e.g. /api/{user_id}/tasks/{id}. */
  path: string;
  parameters: Parameter[];
  body?: { required: boolean; mediaType: string; schema: JsonSchema };
  responses: Record<string, DeclaredResponse>;
  /** False when the operation needs no credentials (`security: []`). */
  secured: boolean;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Every path + method of the document, in document order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]): Operation => {
        const jsonBody = Object.entries(op.requestBody?.content ?? {}).find(([type]) =>
          /json/.test(type),
        );
        const security = op.security ?? doc.security ?? [];
        return {
          id: op.operationId ?? `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          parameters: op.parameters ?? [],
          ...(jsonBody
            ? {
                body: {
                  required: op.requestBody?.required ?? false,
                  mediaType: jsonBody[0],
                  schema: jsonBody[1].schema ?? {},
                },
              }
            : {}),
          responses: op.responses ?? {},
          secured: security.length > 0 && !security.some((s) => Object.keys(s).length === 0),
        };
      }),
  );
}

/** Follows local `$ref`s (`#/components/schemas/X`) until a schema that is not one. */
export function deref(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref !== undefined; hops++) {
    if (hops > 20 || !current.$ref.startsWith("#/")) throw new Error(`bad $ref ${current.$ref}`);
    let target: unknown = doc;
    for (const part of current.$ref.slice(2).split("/")) {
      target = (target as Record<string, unknown>)[
        part.replaceAll("~1", "/").replaceAll("~0", "~")
      ];
    }
    if (typeof target !== "object" || target === null) throw new Error(`no ${current.$ref}`);
    current = target as JsonSchema;
  }
  return current;
}

function typesOf(schema: JsonSchema): string[] {
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
          Object.entries(properties).map(([key, s]) => [key, validValue(doc, s, options)]),
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

// ---- Invalid values ----

/** A value the schema refuses, and why (for the failure message). */
export interface Invalid {
  value: unknown;
  why: string;
}

const invalid = (arb: fc.Arbitrary<unknown>, why: string): fc.Arbitrary<Invalid> =>
  arb.map((value) => ({ value, why }));

const ANY_OF_TYPE: Record<string, fc.Arbitrary<unknown>> = {
  null: fc.constant(null),
  boolean: fc.boolean(),
  integer: fc.constantFrom(0, -1, 42, 2 ** 31),
  number: fc.constantFrom(0.5, -1, 1e308),
  string: fc.constantFrom("", "x", "42", "true", "null"),
  array: fc.constantFrom([], [1], ["a"], [null]),
  object: fc.constantFrom({}, { a: 1 }),
};

/**
 * Values `schema` refuses: a wrong type, a bound just or far past, a value outside the enum, a bad
 * format; in objects, a missing required key, an unknown key, or one property made invalid.
 * Returns undefined when the schema accepts everything.
 */
export function invalidValue(
  doc: OpenApiDocument,
  input: JsonSchema,
  options: GenerateOptions = {},
): fc.Arbitrary<Invalid> | undefined {
  const schema = deref(doc, input);
  const choices: fc.Arbitrary<Invalid>[] = [];
  const types = typesOf(schema);
  if ("const" in schema) {
    choices.push(invalid(fc.constantFrom("not the constant", 12345, null), "not the const"));
  }
  if (types.length > 0) {
    const wrong = Object.keys(ANY_OF_TYPE).filter(
      (t) => !types.includes(t) && !(t === "integer" && types.includes("number")),
    );
    // A whole number is a number too.
    const wrongTypes = wrong.map((t) =>
      t === "number" && types.includes("integer")
        ? fc.constantFrom(0.5, 1.5, -2.25)
        : ANY_OF_TYPE[t],
    );
    choices.push(
      invalid(
        fc.oneof(...wrongTypes.filter((a): a is fc.Arbitrary<unknown> => a !== undefined)),
        `not ${types.join("|")}`,
      ),
    );
  }
  if (schema.enum) {
    const outside = fc
      .oneof(
        fc.constantFrom("bogus", "", " ", "ALL", "None"),
        fc
          .constantFrom(...schema.enum)
          .map((v) => (typeof v === "string" ? `${v.toUpperCase()} ` : v)),
      )
      .filter((v) => !schema.enum?.includes(v));
    choices.push(invalid(outside, "not in the enum"));
  }
  for (const type of types) {
    if (type === "string" && !schema.enum) choices.push(...invalidStrings(schema));
    if (type === "integer" || type === "number") choices.push(...invalidNumbers(schema, type));
    if (type === "array") {
      const item = schema.items ? validValue(doc, schema.items, options) : fc.constant(1);
      if (schema.maxItems !== undefined) {
        const n = schema.maxItems + 1;
        choices.push(
          invalid(
            fc.array(item, { minLength: n, maxLength: n }),
            `over maxItems ${schema.maxItems}`,
          ),
        );
      }
      if (schema.minItems !== undefined && schema.minItems > 0) {
        const n = schema.minItems - 1;
        choices.push(
          invalid(
            fc.array(item, { minLength: n, maxLength: n }),
            `under minItems ${schema.minItems}`,
          ),
        );
      }
      const badItem = schema.items ? invalidValue(doc, schema.items, options) : undefined;
      if (badItem) {
        choices.push(
          fc
            .tuple(fc.array(item, { maxLength: 2 }), badItem)
            .map(([good, bad]) => ({ value: [...good, bad.value], why: `an item: ${bad.why}` })),
        );
      }
    }
    if (type === "object") choices.push(...invalidObjects(doc, schema, options));
  }
  return choices.length > 0 ? fc.oneof(...choices) : undefined;
}

function invalidStrings(schema: JsonSchema): fc.Arbitrary<Invalid>[] {
  const choices: fc.Arbitrary<Invalid>[] = [];
  const { minLength = 0, maxLength } = schema;
  if (maxLength !== undefined) {
    // Just past the limit, and far past it; no leading or trailing space (a server may trim).
    choices.push(
      invalid(
        fc
          .constantFrom(1, 2, maxLength, 10 * maxLength + 7)
          .chain((extra) =>
            fc
              .constantFrom("x", "é", "中", "😀")
              .map((c) => `a${c.repeat(maxLength + extra - 2)}z`),
          ),
        `over maxLength ${maxLength}`,
      ),
    );
  }
  if (minLength > 0) {
    choices.push(invalid(fc.constant("a".repeat(minLength - 1)), `under minLength ${minLength}`));
  }
  if (schema.format === "date-time") {
    choices.push(
      invalid(
        fc.constantFrom(
          "yesterday",
          "2024-13-01T00:00:00Z",
          "2024-01-32T00:00:00Z",
          "2024-01-01T25:00:00Z",
          "2024-01-01",
          "2024-01-01T00:00:00",
          "2024-01-01 00:00:00Z",
          "2024-01-01T00:00:00+2400",
          "20240101T000000Z",
          "\u0000",
        ),
        "not a date-time",
      ),
    );
  }
  if (schema.format === "uuid") {
    choices.push(invalid(fc.constantFrom("not-a-uuid", "0000", "g".repeat(36)), "not a uuid"));
  }
  if (schema.format === "email") {
    choices.push(invalid(fc.constantFrom("no-at-sign", "a@", "@b.c", "a b@c.d"), "not an email"));
  }
  return choices;
}

function invalidNumbers(schema: JsonSchema, type: string): fc.Arbitrary<Invalid>[] {
  const choices: fc.Arbitrary<Invalid>[] = [];
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
  const below = [minimum === undefined ? undefined : minimum - 1, exclusiveMinimum].filter(
    (n): n is number => n !== undefined,
  );
  const above = [maximum === undefined ? undefined : maximum + 1, exclusiveMaximum].filter(
    (n): n is number => n !== undefined,
  );
  if (below.length > 0) {
    choices.push(
      invalid(fc.constantFrom(...below, (below[0] ?? 0) - 2 ** 31, -1e308), "under minimum"),
    );
  }
  if (above.length > 0) {
    choices.push(
      invalid(fc.constantFrom(...above, (above[0] ?? 0) + 2 ** 31, 2 ** 53, 1e308), "over maximum"),
    );
  }
  if (type === "integer")
    choices.push(invalid(fc.constantFrom(0.5, 1.5, 1e-7, 2 ** 31 + 0.5), "not an integer"));
  return choices;
}

/** Server-set fields and keys that have tripped object handling before. */
const EXTRA_KEYS = [
  "id",
  "user_id",
  "version",
  "created_at",
  "updated_at",
  "completed_at",
  "isAdmin",
  "constructor",
  "a",
];

function invalidObjects(
  doc: OpenApiDocument,
  schema: JsonSchema,
  options: GenerateOptions,
): fc.Arbitrary<Invalid>[] {
  const properties = schema.properties ?? {};
  const required = schema.required ?? [];
  const whole = validValue(doc, { ...schema, type: "object" }, options) as fc.Arbitrary<
    Record<string, unknown>
  >;
  const choices: fc.Arbitrary<Invalid>[] = [];
  if (required.length > 0) {
    choices.push(
      fc.tuple(whole, fc.constantFrom(...required)).map(([value, key]) => {
        const { [key]: _, ...rest } = value;
        return { value: rest, why: `required "${key}" missing` };
      }),
    );
  }
  if (schema.additionalProperties === false) {
    const key = fc.constantFrom(...EXTRA_KEYS).filter((k) => !(k in properties));
    choices.push(
      fc.tuple(whole, key, fc.jsonValue({ maxDepth: 1 })).map(([value, k, extra]) => ({
        value: { ...value, [k]: extra },
        why: `unknown key "${k}"`,
      })),
    );
  }
  for (const [key, propertySchema] of Object.entries(properties)) {
    const bad = invalidValue(doc, propertySchema, options);
    if (!bad) continue;
    choices.push(
      fc.tuple(whole, bad).map(([value, b]) => ({
        value: { ...value, [key]: b.value },
        why: `"${key}": ${b.why}`,
      })),
    );
  }
  return choices;
}

// ---- Response checks ----

/** Checks a response against the operation's declared responses; returns what is wrong. */
export function createResponseChecker(doc: OpenApiDocument) {
  // OpenAPI adds `example` (and the document's own keys) to JSON Schema: not validation keywords.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  const cache = new Map<string, ValidateFunction>();
  const validatorFor = (schema: JsonSchema): ValidateFunction => {
    const key = JSON.stringify(schema);
    let validate = cache.get(key);
    if (!validate) {
      // Local $refs resolve against the root: give the schema the document's components.
      validate = ajv.compile({ ...schema, components: doc.components });
      cache.set(key, validate);
    }
    return validate;
  };

  return (
    op: Operation,
    response: {
      status: number;
      headers: Record<string, string | string[] | undefined>;
      body: string;
    },
  ): string[] => {
    const declared = op.responses[String(response.status)] ?? op.responses.default;
    if (!declared) {
      return [
        `status ${response.status} is not declared (declared: ${Object.keys(op.responses).join(", ")})`,
      ];
    }
    const problems: string[] = [];
    for (const [name, header] of Object.entries(declared.headers ?? {})) {
      if (header.required && response.headers[name.toLowerCase()] === undefined) {
        problems.push(`required header ${name} missing`);
      }
    }
    const content = declared.content;
    if (!content || Object.keys(content).length === 0) {
      if (response.body !== "")
        problems.push(`declared without a body, got ${response.body.length} bytes`);
      return problems;
    }
    const contentType = String(response.headers["content-type"] ?? "");
    const media = Object.entries(content).find(([type]) =>
      contentType.toLowerCase().startsWith(type.toLowerCase()),
    );
    if (!media) {
      problems.push(
        `content-type "${contentType}" is not one of ${Object.keys(content).join(", ")}`,
      );
      return problems;
    }
    const schema = media[1].schema;
    if (!schema) return problems;
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      problems.push("body is not JSON");
      return problems;
    }
    const validate = validatorFor(schema);
    if (!validate(body)) {
      problems.push(
        `body does not match the ${media[0]} schema: ${ajv.errorsText(validate.errors, { separator: "; " })}`,
      );
    }
    return problems;
  };
}

// ---- Leaks ----

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
