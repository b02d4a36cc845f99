// The spec-driven fuzzer's valid requests: for an operation of the document, a request it says is
// valid, built from the declared parameters and schemas (the server may still say 404 or 412: state).
// fuzz-invalid.ts and fuzz-odd.ts break one thing in them.
import fc from "fast-check";
import {
  deref,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
  type Parameter,
} from "../openapi-document.ts";
import { type Draft, type FuzzUser, json, otherOf } from "./fuzz-requests.ts";
import { type Invalid, invalidValue } from "./openapi-invalid.ts";
import { validValue } from "./openapi-values.ts";

const TIME_ZONES = ["UTC", ...Intl.supportedValuesOf("timeZone")];

export type Mutation = fc.Arbitrary<{ draft: Draft; why: string }>;

/** Short, printable reasons (long odd strings are cut). */
export function labelled(why: string): string {
  const printable = JSON.stringify(why);
  return printable.length > 80 ? `${printable.slice(0, 77)}..."` : printable;
}

export class RequestFactory {
  private readonly cache = new Map<string, unknown>();
  private keys = 0;

  constructor(
    readonly doc: OpenApiDocument,
    private readonly users: readonly [FuzzUser, FuzzUser],
  ) {}

  other(user: FuzzUser): FuzzUser {
    return otherOf(this.users, user);
  }

  private cached<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as T;
  }

  params(op: Operation, where: Parameter["in"]): Parameter[] {
    return op.parameters.filter((p) => p.in === where);
  }

  bodySchema(op: Operation): JsonSchema | undefined {
    return op.body ? deref(this.doc, op.body.schema) : undefined;
  }

  /** Puts the user's marker at the front of a title, within the title's maxLength. */
  brand(op: Operation, user: FuzzUser, value: unknown): unknown {
    const titleSchema = this.bodySchema(op)?.properties?.title;
    if (!titleSchema || typeof value !== "object" || value === null || Array.isArray(value)) {
      return value;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.title !== "string") return value;
    const max = deref(this.doc, titleSchema).maxLength ?? Number.POSITIVE_INFINITY;
    const title = [...`${user.marker} ${record.title}`].slice(0, max).join("");
    return { ...record, title };
  }

  private validBodyValue(op: Operation): fc.Arbitrary<unknown> {
    return this.cached(`body:${op.id}`, () =>
      op.body
        ? validValue(this.doc, op.body.schema, {
            maxArrayLength: 25,
            properties: { tz: fc.constantFrom(...TIME_ZONES) },
          })
        : fc.constant(undefined),
    );
  }

  invalidBodyValue(op: Operation): fc.Arbitrary<Invalid> | undefined {
    return this.cached(`bad-body:${op.id}`, () =>
      op.body ? invalidValue(this.doc, op.body.schema, { maxArrayLength: 25 }) : undefined,
    );
  }

  /** A valid raw value for a parameter: hints for what a schema cannot say, else the schema. */
  private validParam(op: Operation, p: Parameter, user: FuzzUser): fc.Arbitrary<string> {
    switch (p.name) {
      case "user_id":
        return fc.constantFrom("me", user.id);
      case "id": {
        const own = [...user.tasks.keys()];
        const others = [...this.other(user).tasks.keys()];
        return fc
          .oneof(
            {
              weight: own.length ? 8 : 0,
              arbitrary: own.length ? fc.constantFrom(...own) : fc.constant(1),
            },
            { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 ** 31 - 1 }) },
            // Someone else's task is "no such task" (404) for this user.
            {
              weight: others.length ? 1 : 0,
              arbitrary: others.length ? fc.constantFrom(...others) : fc.constant(1),
            },
          )
          .map(String);
      }
      case "tz":
        return fc.constantFrom(...TIME_ZONES);
      case "idempotency-key":
        // A fresh key each time (a short random one would come back with another body: 422).
        return fc
          .string({ unit: "grapheme-ascii", minLength: 1, maxLength: 200 })
          .map((s) => `${++this.keys}:${s}`.trim().slice(0, 200));
    }
    const schema = p.schema ?? {};
    return this.cached(`param:${op.id}:${p.in}:${p.name}`, () =>
      validValue(this.doc, schema).map((v) => (typeof v === "string" ? v : JSON.stringify(v))),
    );
  }

  private versionHeader(
    user: FuzzUser,
    taskId: number | undefined,
    name: string,
  ): fc.Arbitrary<string> {
    const version = taskId === undefined ? 1 : (user.tasks.get(taskId) ?? 1);
    if (name === "if-match") return fc.constantFrom("*", `"${version}"`, `W/"${version}"`);
    return fc.constantFrom(`"${version}"`, "*", `"${version + 1}"`, `W/"${version}", "0"`);
  }

  /** A request the document says is valid (the server may still say 404 or 412: state). */
  valid(op: Operation, user: FuzzUser): fc.Arbitrary<Draft> {
    const auth: fc.Arbitrary<Draft["auth"]> = op.secured
      ? fc.constantFrom("bearer", "bearer", "bearer", "cookie")
      : fc.constantFrom("none", "none", "bearer");
    const pathParams = fc.record(
      Object.fromEntries(
        this.params(op, "path").map((p) => [p.name, this.validParam(op, p, user)]),
      ),
    ) as fc.Arbitrary<Record<string, string>>;
    const queryParams = this.params(op, "query").filter((p) => p.name !== "cursor");
    const generatedQuery = fc
      .tuple(
        ...queryParams.map((p) =>
          fc.option(
            this.validParam(op, p, user).map((v): [string, string] => [p.name, v]),
            { freq: 2, nil: undefined },
          ),
        ),
      )
      .map((pairs) => pairs.filter((pair): pair is [string, string] => pair !== undefined));
    const hasCursor = this.params(op, "query").some((p) => p.name === "cursor");
    // A cursor is valid only for the operation (and query) that gave it.
    const cursors = user.cursors.filter((c) => c.op === op.id);
    const query =
      hasCursor && cursors.length > 0
        ? fc.oneof(
            { weight: 3, arbitrary: generatedQuery },
            {
              weight: 1,
              arbitrary: fc
                .constantFrom(...cursors)
                .map(({ query, cursor }): [string, string][] => [
                  ...new URLSearchParams(query),
                  ["cursor", cursor],
                ]),
            },
          )
        : generatedQuery;
    const body = this.validBodyValue(op);
    const contentType = fc.constantFrom("application/json", "application/json; charset=utf-8");
    return fc
      .record({ auth, pathParams, query, body, contentType, omitBody: fc.boolean() })
      .chain(({ auth, pathParams, query, body, contentType, omitBody }) => {
        const taskId = pathParams.id === undefined ? undefined : Number(pathParams.id);
        const headerParams = this.params(op, "header");
        const headers = fc
          .tuple(
            ...headerParams.map((p) =>
              fc.option(
                (p.name === "if-match" || p.name === "if-none-match"
                  ? this.versionHeader(user, taskId, p.name)
                  : this.validParam(op, p, user)
                ).map((v): [string, string] => [p.name, v]),
                { freq: 2, nil: undefined },
              ),
            ),
          )
          .map((pairs) =>
            Object.fromEntries(
              pairs.filter((pair): pair is [string, string] => pair !== undefined),
            ),
          );
        return headers.map((headerValues): Draft => {
          const draft: Draft = {
            op,
            as: user,
            auth,
            pathParams,
            query,
            headers: headerValues,
            taskId,
          };
          if (op.body && !(omitBody && !op.body.required)) {
            draft.body = { ...json(this.brand(op, user, body)), contentType };
          }
          // Now and then, a retry: the same Idempotency-Key and body as the last one.
          const last = user.lastIdempotent;
          if (headerValues["idempotency-key"] !== undefined && last && omitBody) {
            draft.headers = { ...headerValues, "idempotency-key": last.key };
            draft.body = { bytes: Buffer.from(last.body), contentType: "application/json" };
          }
          return draft;
        });
      });
  }
}
