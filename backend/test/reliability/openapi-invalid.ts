// The spec-driven fuzzer's invalid values (issue 7, part 2): for a JSON Schema of the OpenAPI
// document, values it refuses, each with the reason, for the requests that must be refused.

import fc from "fast-check";
import { deref, type JsonSchema, type OpenApiDocument } from "../openapi-document.ts";
import { type GenerateOptions, typesOf, validValue } from "./openapi-values.ts";

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
