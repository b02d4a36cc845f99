// A fuzzer driven by the server's own /openapi.json (issue 7, part 2). For every operation in the
// document it sends valid requests built from the declared parameters and JSON Schemas, invalid
// ones (wrong types, bounds, missing and unknown fields, malformed JSON, wrong Content-Type, bodies
// over 64 KB, bad cursors, bad credentials, someone else's user id) and odd ones (NUL, lone
// surrogates, RTL marks, SQL and HTML snippets), as two signed-up users, over real HTTP against a
// real database and Better Auth. Every response must be declared by the document and match its
// schema; invalid requests must be refused with a 4xx; nothing may carry a stack trace, SQL text,
// a password hash, a token, or the other user's data.
//
// The document declares no Better Auth route (they are mounted outside the OpenAPI app), so there
// is no sign-in, sign-out or account deletion among the operations: the two sessions stay valid
// for the whole run. Better Auth's routes get a run of their own (auth-fuzz.ts describes their
// bodies), as a user of its own that the requests may sign out, change or delete. The API's per-user rate limit is raised for the fuzz server (429s would only
// hide operations); one explicit case below checks that every operation declares its 429.
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import fc from "fast-check";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.ts";
import { Browser } from "../browser.ts";
import {
  APP_ORIGIN,
  databaseKind,
  openTestDatabase,
  startTestServer,
  type TestServer,
  testConfig,
  uniqueEmail,
} from "../helpers.ts";
import {
  AUTH_ENDPOINTS,
  type AuthEndpoint,
  type AuthKind,
  authRequest,
  encode,
  sendRaw,
} from "./auth-fuzz.ts";
import {
  createResponseChecker,
  deref,
  findLeaks,
  type Invalid,
  invalidValue,
  type JsonSchema,
  NOT_AN_INTEGER,
  ODD_STRINGS,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  type Parameter,
  validValue,
} from "./openapi-fuzz.ts";
import { FULL, recordFigures, size } from "./suite.ts";

const REQUESTS = size(600, 12_000);
/** Requests to Better Auth's routes, on top of REQUESTS (each sign-up or sign-in costs a hash). */
const AUTH_REQUESTS = size(100, 3_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const BODY_LIMIT = 64 * 1024;
/** Refresh JWTs well before their 15 minutes are up. */
const TOKEN_MAX_AGE_MS = 5 * 60_000;

// ---- Users ----

interface FuzzUser {
  key: "A" | "B";
  id: string;
  email: string;
  /** In every title this user writes: if the other user ever sees it, tasks leaked. */
  marker: string;
  browser: Browser;
  token: string;
  tokenAt: number;
  sessionToken: string;
  /** The user's tasks as last seen: id → version. */
  tasks: Map<number, number>;
  /** Pages seen: the query (without cursor) and its next_cursor. */
  cursors: { query: string; cursor: string }[];
  lastIdempotent?: { key: string; body: string };
}

async function signUp(baseUrl: string, key: "A" | "B"): Promise<FuzzUser> {
  const browser = new Browser(baseUrl);
  const email = uniqueEmail(`fuzz-${key.toLowerCase()}`);
  const response = await browser.signUp(email);
  expect(response.status).toBe(200);
  const { user } = (await response.json()) as { user: { id: string } };
  const sessionCookie = [...browser.cookies].find(([name]) => name.endsWith("session_token"));
  if (!sessionCookie) throw new Error("no session cookie after sign-up");
  const user_: FuzzUser = {
    key,
    id: user.id,
    email,
    marker: `fz${key}${randomBytes(5).toString("hex")}`,
    browser,
    token: "",
    tokenAt: 0,
    sessionToken: decodeURIComponent(sessionCookie[1]).split(".")[0] ?? "",
    tasks: new Map(),
    cursors: [],
  };
  await refreshToken(user_);
  return user_;
}

async function refreshToken(user: FuzzUser): Promise<void> {
  const response = await user.browser.get("/api/auth/token");
  expect(response.status).toBe(200);
  user.token = ((await response.json()) as { token: string }).token;
  user.tokenAt = Date.now();
}

// ---- Requests ----

type Kind = "valid" | "invalid" | "odd";

/** A request before it is rendered: parameters are raw values, encoded when rendered. */
interface Draft {
  op: Operation;
  as: FuzzUser;
  auth: "bearer" | "cookie" | "none";
  pathParams: Record<string, string>;
  /** Path parameter values sent as they are (not percent-encoded). */
  rawPath?: boolean;
  query: [string, string][];
  headers: Record<string, string>;
  body?: { bytes: Buffer; contentType?: string };
  chunked?: boolean;
  /** Keep Origin off a cookie-authenticated request. */
  noOrigin?: boolean;
  taskId?: number;
}

interface FuzzRequest extends Draft {
  kind: Kind;
  why: string;
}

interface Sent {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  ms: number;
}

const json = (value: unknown) => ({
  bytes: Buffer.from(JSON.stringify(value)),
  contentType: "application/json",
});

/** Percent-encodes a path or query part; lone surrogates become their (invalid) UTF-8 bytes. */
function encodePart(value: string): string {
  let out = "";
  for (const ch of value) {
    const unit = ch.charCodeAt(0);
    if (ch.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      const bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    } else out += encodeURIComponent(ch);
  }
  return out;
}

/** A header value Node will send: UTF-8 bytes as Latin-1 text, without control characters. */
function headerValue(value: string): string | undefined {
  const latin1 = Buffer.from(value, "utf8").toString("latin1");
  const control = [...latin1].some((c) => {
    const code = c.charCodeAt(0);
    return (code < 0x20 && code !== 0x09) || code === 0x7f;
  });
  return control ? undefined : latin1;
}

function pathOf(draft: Draft): string {
  const path = draft.op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = draft.pathParams[name] ?? "";
    return draft.rawPath ? value : encodePart(value);
  });
  const query = draft.query.map(([k, v]) => `${encodePart(k)}=${encodePart(v)}`).join("&");
  return query ? `${path}?${query}` : path;
}

async function send(baseUrl: URL, request: FuzzRequest): Promise<Sent> {
  const headers: Record<string, string> = {};
  const user = request.as;
  if (request.auth === "bearer") headers.authorization = `Bearer ${user.token}`;
  if (request.auth === "cookie") {
    headers.cookie = user.browser.cookieHeader;
    if (!request.noOrigin) headers.origin = APP_ORIGIN;
  }
  if (request.body?.contentType !== undefined) headers["content-type"] = request.body.contentType;
  Object.assign(headers, request.headers);
  const started = performance.now();
  const sent = await sendRaw(baseUrl, {
    method: request.op.method,
    path: pathOf(request),
    headers,
    body: request.body?.bytes,
    chunked: request.chunked,
  });
  return { ...sent, ms: performance.now() - started };
}

// ---- Generating requests ----

const TIME_ZONES = ["UTC", ...Intl.supportedValuesOf("timeZone")];
// Node refuses request heads over 16 KB with 431 before the app sees them: a transport limit
// outside the document, so odd headers and paths stay well under it.
const HEADER_ODD = ODD_STRINGS.map(headerValue).filter(
  (v): v is string => v !== undefined && v.length <= 1000,
);
const BAD_CONTENT_TYPES = [
  "text/plain",
  "text/plain; charset=utf-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/jsonx",
  "json",
  "application/ json",
  "",
];
const MALFORMED_JSON = [
  '{"title": "x"',
  "{title: 'x'}",
  '{"title":"x",}',
  "nul",
  "{'a':1}",
  '{"a":1}{"b":2}',
  '{"title":"x"}garbage',
  "\u0000",
  '"unterminated',
  '{"title":"\\u12"}',
  '{"title":"\\x41"}',
  "[",
  "{".repeat(500),
  "NaN",
  "{\"title\":'x'}",
];
const TAMPERED = (token: string) => {
  const i = Math.max(0, token.length - 5);
  const flipped = token[i] === "A" ? "B" : "A";
  return `${token.slice(0, i)}${flipped}${token.slice(i + 1)}`;
};
/** The same claims, signed with nothing: `alg: none`. */
const UNSIGNED = (token: string) => {
  const [, payload = ""] = token.split(".");
  const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
  return `${header}.${payload}.`;
};

type Mutation = fc.Arbitrary<{ draft: Draft; why: string }>;

class RequestFactory {
  private readonly cache = new Map<string, unknown>();
  private keys = 0;

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly users: readonly [FuzzUser, FuzzUser],
  ) {}

  other(user: FuzzUser): FuzzUser {
    return user === this.users[0] ? this.users[1] : this.users[0];
  }

  private cached<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as T;
  }

  private params(op: Operation, where: Parameter["in"]): Parameter[] {
    return op.parameters.filter((p) => p.in === where);
  }

  private bodySchema(op: Operation): JsonSchema | undefined {
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
        ? validValue(this.doc, op.body.schema, { maxArrayLength: 25 })
        : fc.constant(undefined),
    );
  }

  private invalidBodyValue(op: Operation): fc.Arbitrary<Invalid> | undefined {
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
    const query =
      hasCursor && user.cursors.length > 0
        ? fc.oneof(
            { weight: 3, arbitrary: generatedQuery },
            {
              weight: 1,
              arbitrary: fc
                .constantFrom(...user.cursors)
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

  /** A request the document says is wrong: one thing broken in a valid one. */
  invalid(op: Operation, user: FuzzUser): Mutation | undefined {
    const base = this.valid(op, user);
    const other = this.other(user);
    const mutations: Mutation[] = [];
    const mutate = (why: string | fc.Arbitrary<string>, change: (d: Draft, w: string) => Draft) =>
      mutations.push(
        fc
          .tuple(base, typeof why === "string" ? fc.constant(why) : why)
          .map(([draft, w]) => ({ draft: change(draft, w), why: w })),
      );
    const isApi = op.path.startsWith("/api/");

    if (op.secured) {
      mutate("no credentials", (d) => ({ ...d, auth: "none" }));
      mutate(
        fc.constantFrom(
          `Bearer ${TAMPERED(user.token)}`,
          `Bearer ${UNSIGNED(user.token)}`,
          `Bearer ${user.token}x`,
          `Bearer ${user.token} ${user.token}`,
          `Token ${user.token}`,
          "Bearer",
          "Bearer a.b.c",
          "Bearer eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo",
          "Basic dXNlcjpwYXNzd29yZA==",
          `Bearer ${"A".repeat(8000)}`,
          "Bearer \u00e9\u00e8",
        ),
        (d, w) => ({ ...d, auth: "none", headers: { ...d.headers, authorization: w } }),
      );
      const [name = "", value = ""] =
        [...user.browser.cookies].find(([n]) => n.endsWith("session_token")) ?? [];
      mutate(
        fc.constantFrom(
          `${name}=${TAMPERED(value)}`,
          `${name}=${user.sessionToken}`,
          `${name}=garbage`,
          `${name}=${"x".repeat(4000)}`,
          `${name}=`,
        ),
        (d, w) => ({ ...d, auth: "none", headers: { ...d.headers, cookie: w } }),
      );
      if (op.method !== "GET") {
        mutate(
          fc.constantFrom("", "https://evil.example", "null", `${APP_ORIGIN}.evil.example`),
          (d, w) =>
            w === ""
              ? { ...d, auth: "cookie", noOrigin: true }
              : { ...d, auth: "cookie", noOrigin: true, headers: { ...d.headers, origin: w } },
        );
      }
    }
    if (this.params(op, "path").some((p) => p.name === "user_id")) {
      mutate(
        fc.constantFrom(
          other.id,
          other.id.toUpperCase(),
          "ME",
          " me",
          "me ",
          "00000000-0000-0000-0000-000000000000",
          `${user.id} `,
          "%00",
          "me%2F..",
        ),
        (d, w) => ({ ...d, pathParams: { ...d.pathParams, user_id: w } }),
      );
    }
    if (this.params(op, "path").some((p) => p.name === "id")) {
      mutate(
        fc.constantFrom(
          ...NOT_AN_INTEGER,
          ...ODD_STRINGS.filter(
            (s) => s.trim() !== "" && Number.isNaN(Number(s)) && encodePart(s).length < 2000,
          ),
        ),
        (d, w) => ({
          ...d,
          pathParams: { ...d.pathParams, id: w },
        }),
      );
      mutate(fc.constantFrom("%ZZ", "1%", "%E0%A4%A", "%ED%A0%80"), (d, w) => ({
        ...d,
        rawPath: true,
        pathParams: { ...d.pathParams, id: w },
      }));
    }
    const queryParams = this.params(op, "query");
    for (const p of queryParams) {
      const bad = this.badQueryValues(p, user);
      if (bad.length === 0) continue;
      mutate(fc.constantFrom(...bad), (d, w) => ({
        ...d,
        query: [...d.query.filter(([k]) => k !== p.name), [p.name, w]],
      }));
    }
    const repeatable = queryParams.filter((p) => {
      const s = deref(this.doc, p.schema ?? {});
      return s.enum !== undefined || s.type === "integer";
    });
    if (repeatable.length > 0) {
      mutate(fc.constantFrom(...repeatable.map((p) => p.name)), (d, name) => {
        const schema = deref(this.doc, queryParams.find((p) => p.name === name)?.schema ?? {});
        const values = (schema.enum ?? [1, 2]).map(String);
        return {
          ...d,
          query: [
            ...d.query.filter(([k]) => k !== name),
            [name, values[0] ?? "1"],
            [name, values[1] ?? "2"],
          ],
        };
      });
    }
    const headerNames = this.params(op, "header").map((p) => p.name);
    if (headerNames.includes("if-match")) {
      mutate(
        fc.constantFrom(
          "garbage",
          '"abc"',
          '"-1"',
          '"0"',
          '"9999999999"',
          '"1", "2"',
          "W/",
          '"',
          `"${"9".repeat(7000)}"`,
        ),
        (d, w) => ({ ...d, headers: { ...d.headers, "if-match": w } }),
      );
    }
    if (headerNames.includes("idempotency-key")) {
      mutate(fc.constantFrom("", "k".repeat(201), "k".repeat(7000)), (d, w) => ({
        ...d,
        headers: { ...d.headers, "idempotency-key": w },
      }));
      const last = user.lastIdempotent;
      if (last && op.body) {
        mutate("Idempotency-Key reused with another body", (d) => ({
          ...d,
          headers: { ...d.headers, "idempotency-key": last.key },
          body: json(
            this.brand(op, user, { title: `another body ${randomBytes(4).toString("hex")}` }),
          ),
        }));
      }
    }
    if (op.body) {
      const bad = this.invalidBodyValue(op);
      if (bad) {
        mutations.push(
          fc.tuple(base, bad).map(([d, b]) => ({
            // Not branded: a marker would mend a title made too short.
            draft: { ...d, body: json(b.value) },
            why: `body ${b.why}`,
          })),
        );
      }
      if (op.body.required) mutate("no body", (d) => ({ ...d, body: undefined }));
      mutate(fc.constantFrom(...MALFORMED_JSON), (d, w) => ({
        ...d,
        body: { bytes: Buffer.from(w), contentType: "application/json" },
      }));
      mutate("bytes that are not UTF-8", (d) => ({
        ...d,
        body: {
          bytes: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc0, 0x22, 0x7d]),
          contentType: "application/json",
        },
      }));
      mutate('{"position":1e400} (Infinity)', (d) => ({
        ...d,
        body: {
          bytes: Buffer.from(`{"title":"${user.marker} inf","position":1e400}`),
          contentType: "application/json",
        },
      }));
    }
    // The API refuses a body that is not JSON, and any body over 64 KB. An operation that takes
    // no body may as well ignore one: those requests are odd, not invalid (see odd()).
    if (op.secured && isApi && op.body) mutations.push(...this.unacceptableBodies(op, user, base));
    return mutations.length > 0
      ? fc.oneof(...mutations).map(({ draft, why }) => ({ draft, why: labelled(why) }))
      : undefined;
  }

  /** A body that is not JSON, or over 64 KB (sent with Content-Length, or chunked without it). */
  private unacceptableBodies(op: Operation, user: FuzzUser, base: fc.Arbitrary<Draft>): Mutation[] {
    const wrongType = fc.tuple(base, fc.constantFrom(...BAD_CONTENT_TYPES)).map(([d, type]) => ({
      draft: {
        ...d,
        body: {
          bytes: d.body?.bytes ?? Buffer.from('{"title":"x"}'),
          ...(type ? { contentType: type } : {}),
        },
      },
      why: `Content-Type ${JSON.stringify(type)}`,
    }));
    const tooLarge = fc
      .tuple(base, fc.constantFrom("Content-Length", "chunked"))
      .map(([d, how]) => ({
        draft: {
          ...d,
          chunked: how === "chunked",
          body: json(
            this.brand(op, user, {
              title: "big",
              description: "d".repeat(BODY_LIMIT + 1),
              tags: [],
            }),
          ),
        },
        why: `over 64 KB (${how})`,
      }));
    return [wrongType, tooLarge];
  }

  private badQueryValues(p: Parameter, user: FuzzUser): string[] {
    const schema = deref(this.doc, p.schema ?? {});
    if (p.name === "cursor") {
      const stored = user.cursors[0];
      return [
        ...(stored
          ? [TAMPERED(stored.cursor), `${stored.cursor}x`, stored.cursor.split(".")[0] ?? ""]
          : []),
        "garbage",
        ".",
        "a.b",
        Buffer.from(JSON.stringify([[1, "2020-01-01"], "[]"])).toString("base64url"),
        "x".repeat((schema.maxLength ?? 2000) + 1),
        "\u0000",
        "%00",
      ];
    }
    if (p.name === "tz")
      return [
        "Mars/Olympus_Mons",
        "",
        "utc ",
        "Europe/Paris\u0000",
        "../../etc/localtime",
        "+25:00",
      ];
    if (schema.enum) return ["bogus", "", "ALL", `${String(schema.enum[0])} `, "\u0000"];
    if (schema.type === "integer") {
      const min = schema.minimum ?? Number.NEGATIVE_INFINITY;
      const max = schema.maximum ?? Number.POSITIVE_INFINITY;
      return [...NOT_AN_INTEGER, "", String(max + 1), String(min - 1)].filter((s) => {
        const n = Number(s);
        return !(s.trim() !== "" && Number.isInteger(n) && n >= min && n <= max);
      });
    }
    if (schema.type === "string") {
      const bad: string[] = [];
      if (schema.maxLength !== undefined)
        bad.push(`a${"b".repeat(schema.maxLength)}`, "q".repeat(schema.maxLength * 20));
      if ((schema.minLength ?? 0) > 0) bad.push("");
      return bad;
    }
    return [];
  }

  /** A request with odd but not necessarily wrong content: judged by the general checks only. */
  odd(op: Operation, user: FuzzUser): Mutation {
    const base = this.valid(op, user);
    const mutations: Mutation[] = [];
    const mutate = (why: string | fc.Arbitrary<string>, change: (d: Draft, w: string) => Draft) =>
      mutations.push(
        fc
          .tuple(base, typeof why === "string" ? fc.constant(why) : why)
          .map(([draft, w]) => ({ draft: change(draft, w), why: w })),
      );
    const odd = fc.constantFrom(...ODD_STRINGS);
    const oddInUrl = fc.constantFrom(...ODD_STRINGS.filter((v) => encodePart(v).length < 2000));
    const bodySchema = this.bodySchema(op);
    const stringFields = Object.entries(bodySchema?.properties ?? {})
      .filter(([, s]) => {
        const d = deref(this.doc, s);
        return (
          (d.type === "string" && !d.enum && !d.format) ||
          deref(this.doc, d.items ?? {}).type === "string"
        );
      })
      .map(([name, s]) => ({ name, array: deref(this.doc, s).type === "array" }));
    if (op.body && stringFields.length > 0) {
      mutations.push(
        fc.tuple(base, fc.constantFrom(...stringFields), odd).map(([d, field, s]) => {
          const value = (JSON.parse(d.body?.bytes.toString() ?? "{}") ?? {}) as Record<
            string,
            unknown
          >;
          const next = { ...value, [field.name]: field.array ? [s] : s };
          return {
            draft: { ...d, body: json(this.brand(op, user, next)) },
            why: `odd ${field.name}`,
          };
        }),
      );
      mutate(
        fc.constantFrom("duplicate keys", "BOM", "__proto__", "deep nesting", "whitespace"),
        (d, w) => {
          const text = d.body?.bytes.toString() ?? "{}";
          const raw =
            w === "duplicate keys"
              ? `{"title":"${user.marker} one","title":"${user.marker} two"}`
              : w === "BOM"
                ? `\ufeff${text}`
                : w === "__proto__"
                  ? `{"__proto__":{"is_completed":true},"title":"${user.marker} proto"}`
                  : w === "deep nesting"
                    ? `{"title":"${user.marker} deep","tags":${"[".repeat(3000)}${"]".repeat(3000)}}`
                    : ` \n\t${text}\n `;
          return { ...d, body: { bytes: Buffer.from(raw), contentType: "application/json" } };
        },
      );
    }
    const stringQuery = this.params(op, "query").filter((p) => {
      const s = deref(this.doc, p.schema ?? {});
      return s.type === "string" && !s.enum;
    });
    if (stringQuery.length > 0) {
      mutate(
        fc
          .tuple(fc.constantFrom(...stringQuery.map((p) => p.name)), oddInUrl)
          .map(([n, s]) => `${n}=${s}`),
        (d, w) => {
          const [name = "", ...rest] = w.split("=");
          return { ...d, query: [...d.query.filter(([k]) => k !== name), [name, rest.join("=")]] };
        },
      );
      const theirs = this.other(user).cursors;
      if (theirs.length > 0) {
        mutate("the other user's cursor", (d) => ({
          ...d,
          query: [
            ...new URLSearchParams(theirs[0]?.query ?? ""),
            ["cursor", theirs[0]?.cursor ?? ""],
          ],
        }));
      }
    }
    mutate(
      fc.constantFrom("foo=bar", "__proto__=x", "status[]=all", "limit=5&limit", "=", "&&&"),
      (d, w) => ({
        ...d,
        query: [...d.query, ...[...new URLSearchParams(w)]],
      }),
    );
    mutate(fc.constantFrom(...HEADER_ODD), (d, w) => ({
      ...d,
      headers: {
        ...d.headers,
        "if-none-match": w,
        "x-forwarded-for": w,
        accept: w,
        "accept-language": w,
        "x-request-id": w,
      },
    }));
    if (op.secured && op.path.startsWith("/api/") && !op.body) {
      mutations.push(...this.unacceptableBodies(op, user, base));
    }
    if (op.secured) {
      const [name = "", value = ""] =
        [...user.browser.cookies].find(([n]) => n.endsWith("session_token")) ?? [];
      // Browsers send both when two cookies share a name (other paths): the first one counts.
      mutate("a second session cookie", (d) => ({
        ...d,
        auth: "none",
        headers: { ...d.headers, cookie: `${name}=${value}; ${name}=garbage` },
      }));
      mutate("lower-case bearer", (d) => ({
        ...d,
        auth: "none",
        headers: { ...d.headers, authorization: `bearer ${user.token}` },
      }));
    }
    if (!op.body && op.method !== "GET") {
      mutate("a JSON body it does not take", (d) => ({
        ...d,
        body: json({ title: `${user.marker} ignored` }),
      }));
    }
    if (op.method === "GET") {
      mutate("a JSON body on a GET", (d) => ({
        ...d,
        body: json({ title: `${user.marker} ignored` }),
      }));
    }
    return fc.oneof(...mutations).map(({ draft, why }) => ({ draft, why: labelled(why) }));
  }
}

/** Short, printable reasons (long odd strings are cut). */
function labelled(why: string): string {
  const printable = JSON.stringify(why);
  return printable.length > 80 ? `${printable.slice(0, 77)}..."` : printable;
}

// ---- Judging responses ----

/** What a valid request may be answered: done, or refused for the state it met (no such task, stale). */
const VALID_STATUSES = new Set([200, 201, 204, 304, 404, 409, 412]);

function redact(text: string, users: readonly FuzzUser[]): string {
  let out = text;
  for (const u of users) {
    if (u.token) out = out.replaceAll(u.token, `<JWT ${u.key}>`);
    if (u.sessionToken) out = out.replaceAll(u.sessionToken, `<session ${u.key}>`);
  }
  return out;
}

function describeRequest(r: FuzzRequest, users: readonly FuzzUser[]): string {
  const body = r.body ? r.body.bytes.toString("utf8") : "";
  const shown = body.length > 300 ? `${body.slice(0, 300)}… (${r.body?.bytes.length} bytes)` : body;
  const headers = JSON.stringify(r.headers);
  return redact(
    `user ${r.as.key} ${r.op.method} ${pathOf(r).slice(0, 300)} [${r.kind}: ${r.why}] auth=${r.auth}${
      r.noOrigin ? " (no Origin)" : ""
    }${r.chunked ? " chunked" : ""} headers=${headers.length > 300 ? `${headers.slice(0, 300)}…` : headers}` +
      (r.body ? ` content-type=${JSON.stringify(r.body.contentType)} body=${shown}` : ""),
    users,
  );
}

interface Finding {
  request: string;
  response: string;
  problems: string[];
}

/** Everything wrong with one response. */
function judge(
  request: FuzzRequest,
  sent: Sent,
  check: ReturnType<typeof createResponseChecker>,
  other: FuzzUser,
): string[] {
  const problems: string[] = [];
  if (sent.status >= 500) problems.push(`server error ${sent.status}`);
  problems.push(...check(request.op, sent));
  if (request.kind === "invalid" && !(sent.status >= 400 && sent.status < 500)) {
    problems.push(`an invalid request was not refused with a 4xx (${sent.status})`);
  }
  if (request.kind === "valid" && sent.status < 500 && !VALID_STATUSES.has(sent.status)) {
    problems.push(`a valid request was refused (${sent.status})`);
  }
  const me = request.as;
  problems.push(
    ...findLeaks(sent, {
      forbidden: [
        { label: "the other user's marker", text: other.marker },
        { label: "the other user's id", text: other.id },
        { label: "the other user's email", text: other.email },
        { label: "the other user's JWT", text: other.token },
        { label: "the other user's session token", text: other.sessionToken },
        { label: "the caller's JWT", text: me.token },
        { label: "the caller's session token", text: me.sessionToken },
      ],
    }),
  );
  return problems;
}

interface TaskLike {
  id: number;
  version: number;
}
const isTask = (v: unknown): v is TaskLike =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as TaskLike).id === "number" &&
  typeof (v as TaskLike).version === "number";

/** Keeps each user's view of their tasks, cursors and last Idempotency-Key up to date. */
function observe(request: FuzzRequest, sent: Sent): void {
  const user = request.as;
  let body: unknown;
  try {
    body = sent.body ? JSON.parse(sent.body) : undefined;
  } catch {
    return;
  }
  const ownPath = request.pathParams.user_id === "me" || request.pathParams.user_id === user.id;
  if (!ownPath) return;
  if (sent.status === 200 || sent.status === 201) {
    if (isTask(body)) user.tasks.set(body.id, body.version);
    const list = body as { items?: unknown[]; next_cursor?: string | null };
    if (Array.isArray(list.items)) {
      for (const item of list.items) if (isTask(item)) user.tasks.set(item.id, item.version);
      if (typeof list.next_cursor === "string" && request.kind === "valid") {
        const query = new URLSearchParams(request.query.filter(([k]) => k !== "cursor")).toString();
        user.cursors.unshift({ query, cursor: list.next_cursor });
        user.cursors.length = Math.min(user.cursors.length, 20);
      }
    }
    const bulk = body as { action?: string; ids?: number[] };
    if (bulk.action === "delete" && Array.isArray(bulk.ids))
      for (const id of bulk.ids) user.tasks.delete(id);
    if (
      sent.status === 201 &&
      request.kind === "valid" &&
      request.headers["idempotency-key"] &&
      request.body
    ) {
      user.lastIdempotent = {
        key: request.headers["idempotency-key"],
        body: request.body.bytes.toString(),
      };
    }
  }
  if (sent.status === 412) {
    const task = (body as { task?: unknown }).task;
    if (isTask(task)) user.tasks.set(task.id, task.version);
  }
  if (request.taskId !== undefined && (sent.status === 204 || sent.status === 404)) {
    user.tasks.delete(request.taskId);
  }
}

// ---- The run ----

/** A small seeded generator for the schedule (fast-check seeds the requests themselves). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(`the spec-driven fuzzer (${databaseKind})`, () => {
  let database: Database;
  let server: TestServer;
  let doc: OpenApiDocument;
  let users: [FuzzUser, FuzzUser];
  /** The server's warnings and errors by request id, to say why a request failed. */
  const serverErrors = new Map<string, string>();

  beforeAll(async () => {
    database = await openTestDatabase();
    // The per-user budget is raised: 429s would hide the operations (see the explicit case).
    const logger = pino(
      { level: "warn" },
      {
        write: (line: string) => {
          const entry = JSON.parse(line) as {
            requestId?: string;
            msg?: string;
            err?: { message?: string };
          };
          if (entry.requestId)
            serverErrors.set(entry.requestId, `${entry.msg}: ${entry.err?.message ?? ""}`);
        },
      },
    );
    server = await startTestServer(database, testConfig({ API_RATE_LIMIT_MAX: 1_000_000 }), logger);
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    doc = (await response.json()) as OpenApiDocument;
    users = [await signUp(server.url, "A"), await signUp(server.url, "B")];
  });

  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it("answers every operation's valid, invalid and odd requests as the document says, leaking nothing", {
    timeout: FULL ? 1_800_000 : 60_000,
  }, async () => {
    const started = performance.now();
    const operations = operationsOf(doc);
    expect(operations.length).toBeGreaterThan(0);
    const factory = new RequestFactory(doc, users);
    const check = createResponseChecker(doc);
    const baseUrl = new URL(server.url);
    const create = operations.find(
      (op) => op.method === "POST" && op.body && !op.path.includes("bulk"),
    );

    /** Bad responses grouped by operation, kind and problem; the first of each is kept. */
    const findings = new Map<string, Finding & { count: number }>();
    let findingCount = 0;
    const byStatus: Record<string, number> = {};
    const byOperation: Record<string, Record<Kind, number>> = {};
    const byKind: Record<Kind, number> = { valid: 0, invalid: 0, odd: 0 };
    let requests = 0;
    let generating = 0;

    const run = async (request: FuzzRequest) => {
      const sent = await send(baseUrl, request);
      requests++;
      byStatus[sent.status] = (byStatus[sent.status] ?? 0) + 1;
      byKind[request.kind]++;
      const counts = byOperation[request.op.id] ?? { valid: 0, invalid: 0, odd: 0 };
      byOperation[request.op.id] = counts;
      counts[request.kind]++;
      const problems = judge(request, sent, check, factory.other(request.as));
      if (problems.length > 0) {
        findingCount++;
        const signature = `${request.op.id} ${request.kind}: ${problems
          .map((p) => p.replace(/\d+/g, "N").slice(0, 100))
          .join("; ")}`;
        const known = findings.get(signature);
        if (known) known.count++;
        else {
          const requestId = /"request_id":"([^"]+)"/.exec(sent.body)?.[1];
          const logged = requestId ? serverErrors.get(requestId) : undefined;
          findings.set(signature, {
            count: 1,
            request: describeRequest(request, users),
            response: redact(`${sent.status} ${sent.body.slice(0, 600)}`, users),
            problems: logged ? [...problems, `server log: ${logged}`] : problems,
          });
        }
      }
      observe(request, sent);
      return sent;
    };

    /** Each user keeps a few tasks (with their marker), so ids, ETags and pages have something to name. */
    const replenish = async (user: FuzzUser) => {
      if (!create) return;
      let n = 0;
      while (user.tasks.size < 6 && n++ < 10) {
        const title = `${user.marker} task ${randomBytes(3).toString("hex")}`;
        await run({
          op: create,
          as: user,
          auth: "bearer",
          pathParams: { user_id: "me" },
          query: [],
          headers: {},
          body: json({ title, description: `${user.marker} description`, tags: [user.marker] }),
          kind: "valid",
          why: "setup",
        });
      }
    };

    // The schedule: every operation gets its share, ~45% valid, ~45% invalid, ~10% odd.
    const random = mulberry32(SEED);
    const perOperation = Math.ceil(REQUESTS / operations.length);
    const slots: { op: Operation; kind: Kind }[] = [];
    for (const op of operations) {
      for (let i = 0; i < perOperation; i++) {
        const r = random();
        slots.push({ op, kind: r < 0.45 ? "valid" : r < 0.9 ? "invalid" : "odd" });
      }
    }
    for (let i = slots.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [slots[i], slots[j]] = [
        slots[j] as (typeof slots)[number],
        slots[i] as (typeof slots)[number],
      ];
    }

    for (const [i, slot] of slots.entries()) {
      const user = users[i % 2] as FuzzUser;
      if (Date.now() - user.tokenAt > TOKEN_MAX_AGE_MS) await refreshToken(user);
      await replenish(user);
      const generationStarted = performance.now();
      let arbitrary: fc.Arbitrary<{ draft: Draft; why: string }> | undefined;
      let kind = slot.kind;
      if (kind === "invalid") arbitrary = factory.invalid(slot.op, user);
      // An operation with nothing to get wrong (no credentials, parameters or body) gets odd ones.
      if (!arbitrary && kind === "invalid") kind = "odd";
      if (kind === "odd") arbitrary = factory.odd(slot.op, user);
      arbitrary ??= factory.valid(slot.op, user).map((draft) => ({ draft, why: "valid" }));
      const [sample] = fc.sample(arbitrary, { numRuns: 1, seed: SEED + i });
      if (!sample) throw new Error("fast-check produced no sample");
      generating += performance.now() - generationStarted;
      await run({ ...sample.draft, kind, why: sample.why });
    }

    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const statuses = Object.fromEntries(
      Object.entries(byStatus).map(([s, n]) => [`status ${s}`, n]),
    );
    const perOp = Object.fromEntries(
      Object.entries(byOperation).map(([id, c]) => [
        `${id} (valid/invalid/odd)`,
        `${c.valid}/${c.invalid}/${c.odd}`,
      ]),
    );
    console.log(
      `fuzz (${databaseKind}, seed ${SEED}): ${requests} requests in ${seconds} s (${Math.round(generating)} ms generating)`,
      {
        byKind,
        statuses,
        perOp,
        findings: findingCount,
      },
    );
    recordFigures("fuzz", {
      seed: SEED,
      requests,
      valid: byKind.valid,
      invalid: byKind.invalid,
      odd: byKind.odd,
      operations: operations.length,
      ...statuses,
      ...perOp,
      findings: findingCount,
      "seconds generating requests": Math.round(generating / 100) / 10,
      seconds,
    });

    for (const op of operations) {
      const counts = byOperation[op.id];
      expect(counts?.valid ?? 0, `${op.id}: valid requests`).toBeGreaterThan(0);
      expect(
        (counts?.invalid ?? 0) + (counts?.odd ?? 0),
        `${op.id}: invalid or odd requests`,
      ).toBeGreaterThan(0);
    }
    const report = [...findings.values()]
      .map(
        (f) =>
          `\n- (${f.count}×) ${f.request}\n  → ${f.response}\n  ✗ ${f.problems.join("\n  ✗ ")}`,
      )
      .join("");
    expect(
      findingCount,
      `seed ${SEED}: ${findingCount} bad responses, ${findings.size} kinds:${report}`,
    ).toBe(0);
  });

  it("answers /api/auth/* requests in every encoding, size and nesting without a 5xx or a leak", {
    timeout: FULL ? 1_800_000 : 60_000,
  }, async () => {
    const started = performance.now();
    const baseUrl = new URL(server.url);
    const random = mulberry32(SEED ^ 0x5eed);
    const byStatus: Record<string, number> = {};
    const byEndpoint: Record<string, Record<AuthKind, number>> = {};
    const findings = new Map<string, { count: number; example: string }>();
    let findingCount = 0;

    /** The user the requests act as: replaced when a request ends its session or account. */
    interface Victim {
      email: string;
      password: string;
      browser: Browser;
      alive: boolean;
    }
    const newVictim = async (): Promise<Victim> => {
      const browser = new Browser(server.url);
      const email = uniqueEmail("fuzz-auth");
      const password = `fuzz auth passphrase ${randomBytes(4).toString("hex")}`;
      expect((await browser.signUp(email, password)).status).toBe(200);
      return { email, password, browser, alive: true };
    };
    let victim = await newVictim();
    const forbidden = users.flatMap((u) => [
      { label: `user ${u.key}'s email`, text: u.email },
      { label: `user ${u.key}'s JWT`, text: u.token },
      { label: `user ${u.key}'s session token`, text: u.sessionToken },
      { label: `user ${u.key}'s marker`, text: u.marker },
    ]);

    for (let i = 0; i < AUTH_REQUESTS; i++) {
      const endpoint = AUTH_ENDPOINTS[i % AUTH_ENDPOINTS.length] as AuthEndpoint;
      const r = random();
      const kind: AuthKind = r < 0.45 ? "valid" : r < 0.9 ? "invalid" : "odd";
      const [draft] = fc.sample(authRequest(endpoint, kind), { numRuns: 1, seed: SEED + i });
      if (!draft) throw new Error("fast-check produced no sample");
      if (!victim.alive) victim = await newVictim();
      let value = draft.value;
      if (draft.ownCredentials && typeof value === "object" && value !== null) {
        const own: Record<string, Record<string, string>> = {
          "/api/auth/sign-in/email": { email: victim.email, password: victim.password },
          "/api/auth/sign-up/email": { email: uniqueEmail("fuzz-auth-new") },
          "/api/auth/change-password": { currentPassword: victim.password },
          "/api/auth/delete-user": { password: victim.password },
        };
        value = { ...value, ...own[endpoint.path] };
      }
      const body =
        draft.raw !== undefined
          ? { bytes: draft.raw, type: "application/json" }
          : endpoint.method === "POST" || draft.kind === "odd"
            ? encode(value, draft.encoding)
            : undefined;
      const sent = await sendRaw(baseUrl, {
        method: endpoint.method,
        path: endpoint.path,
        headers: {
          origin: APP_ORIGIN,
          ...(endpoint.session ? { cookie: victim.browser.cookieHeader } : {}),
          ...(body?.type ? { "content-type": body.type } : {}),
        },
        ...(body ? { body: body.bytes } : {}),
        ...(draft.chunked ? { chunked: true } : {}),
      });
      byStatus[sent.status] = (byStatus[sent.status] ?? 0) + 1;
      const counts = byEndpoint[endpoint.path] ?? { valid: 0, invalid: 0, odd: 0 };
      byEndpoint[endpoint.path] = counts;
      counts[draft.kind]++;

      const problems: string[] = [];
      if (sent.status >= 500) problems.push(`server error ${sent.status}`);
      if (draft.expect !== undefined && sent.status !== draft.expect) {
        problems.push(`expected ${draft.expect}, got ${sent.status}`);
      }
      if (draft.kind === "invalid" && !(sent.status >= 400 && sent.status < 500)) {
        problems.push(`an invalid request was not refused with a 4xx (${sent.status})`);
      }
      if (draft.kind === "valid" && (sent.status === 413 || sent.status === 415)) {
        problems.push(`a valid JSON request was refused (${sent.status})`);
      }
      const ours = [413, 415, 422].includes(sent.status) || draft.expect === 400;
      if (ours && sent.headers["content-type"] !== "application/problem+json") {
        problems.push(`${sent.status} is not problem+json (${sent.headers["content-type"]})`);
      }
      const leaks = findLeaks(sent, {
        forbidden: [...forbidden, { label: "the caller's password", text: victim.password }],
      }).filter((leak) => !(leak === "contains a JWT" && endpoint.path === "/api/auth/token"));
      problems.push(...leaks);
      if (problems.length > 0) {
        findingCount++;
        const signature = `${endpoint.path} ${draft.kind}: ${problems.join("; ").replace(/\d+/g, "N")}`;
        const known = findings.get(signature);
        if (known) known.count++;
        else {
          const shown = body?.bytes.toString("utf8") ?? "";
          findings.set(signature, {
            count: 1,
            example: `${endpoint.method} ${endpoint.path} [${draft.kind}: ${draft.why}] ${body?.type ?? "(no type)"} ${
              shown.length > 200 ? `${shown.slice(0, 200)}… (${shown.length} bytes)` : shown
            } → ${sent.status} ${sent.body.slice(0, 300)}`,
          });
        }
      }

      // What the request did to the caller: a new session cookie, or none, or no account.
      if (sent.status === 200) {
        for (const cookie of [sent.headers["set-cookie"] ?? []].flat()) {
          const [pair = ""] = cookie.split(";");
          const [cookieName = "", cookieValue = ""] = pair.split(/=(.*)/s);
          if (cookieValue) victim.browser.cookies.set(cookieName.trim(), cookieValue);
        }
        if (
          ["/api/auth/sign-out", "/api/auth/revoke-sessions", "/api/auth/delete-user"].includes(
            endpoint.path,
          ) ||
          (endpoint.path === "/api/auth/change-password" && draft.ownCredentials)
        ) {
          victim.alive = false;
        }
      }
    }

    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const statuses = Object.fromEntries(
      Object.entries(byStatus).map(([s, n]) => [`status ${s}`, n]),
    );
    const perEndpoint = Object.fromEntries(
      Object.entries(byEndpoint).map(([path, c]) => [
        `${path} (valid/invalid/odd)`,
        `${c.valid}/${c.invalid}/${c.odd}`,
      ]),
    );
    console.log(
      `fuzz /api/auth/* (${databaseKind}, seed ${SEED}): ${AUTH_REQUESTS} requests in ${seconds} s`,
      {
        statuses,
        perEndpoint,
        findings: findingCount,
      },
    );
    recordFigures("fuzz-auth", {
      seed: SEED,
      requests: AUTH_REQUESTS,
      ...statuses,
      ...perEndpoint,
      findings: findingCount,
      seconds,
    });
    for (const endpoint of AUTH_ENDPOINTS) {
      expect(byEndpoint[endpoint.path], endpoint.path).toBeDefined();
    }
    const report = [...findings.entries()]
      .map(([signature, f]) => `\n- (${f.count}×) ${signature}\n  ${f.example}`)
      .join("");
    expect(findingCount, `seed ${SEED}: ${findingCount} bad responses:${report}`).toBe(0);
  });

  // ---- Findings of the fuzzer, kept as explicit cases ----

  /** One request built by hand, judged as the fuzzer judges (status left to the case). */
  async function call(
    user: FuzzUser,
    operationId: string,
    init: Partial<Pick<Draft, "pathParams" | "query" | "headers" | "auth" | "chunked">> & {
      body?: unknown;
      raw?: { bytes: Buffer; contentType?: string };
    } = {},
    baseUrl = server.url,
  ) {
    const op = operationsOf(doc).find((o) => o.id === operationId);
    if (!op) throw new Error(`no operation ${operationId} in the document`);
    const request: FuzzRequest = {
      op,
      as: user,
      auth: init.auth ?? "bearer",
      pathParams: { user_id: "me", ...init.pathParams },
      query: init.query ?? [],
      headers: init.headers ?? {},
      ...(init.chunked ? { chunked: true } : {}),
      ...(init.raw ? { body: init.raw } : init.body === undefined ? {} : { body: json(init.body) }),
      kind: "odd",
      why: "explicit",
    };
    const sent = await send(new URL(baseUrl), request);
    const problems = judge(request, sent, createResponseChecker(doc), factory().other(user));
    return {
      status: sent.status,
      body: sent.body ? (JSON.parse(sent.body) as unknown) : undefined,
      problems,
    };
  }
  const factory = () => new RequestFactory(doc, users);

  it("stores a due_at given at any RFC 3339 offset as UTC, and refuses instants outside years 1-9999 with 422", async () => {
    const [user] = users;
    // Postgres refuses offsets past ±15:59 and the year 0: these were 500s.
    for (const [given, stored] of [
      ["2030-01-01T00:00:00-23:59", "2030-01-01T23:59:00Z"],
      ["2030-01-01T00:00:00+16:00", "2029-12-31T08:00:00Z"],
      ["2030-06-15T12:00:00.123456+05:30", "2030-06-15T06:30:00.123456Z"],
      ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"],
      ["9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z"],
    ]) {
      const created = await call(user, "createTask", {
        body: { title: `${user.marker} due`, due_at: given },
      });
      expect(created.problems, given).toEqual([]);
      expect(created.status, given).toBe(201);
      expect((created.body as { due_at: string }).due_at, given).toBe(stored);
      const id = String((created.body as { id: number }).id);
      const changed = await call(user, "updateTask", {
        pathParams: { id },
        body: { due_at: given },
      });
      expect([changed.status, changed.problems], given).toEqual([200, []]);
    }
    for (const given of [
      "0000-01-01T00:00:00Z",
      "0001-01-01T00:00:00+23:59",
      "9999-12-31T23:59:59-23:59",
    ]) {
      const refused = await call(user, "createTask", {
        body: { title: `${user.marker} due`, due_at: given },
      });
      expect([refused.status, refused.problems], given).toEqual([422, []]);
    }
  });

  it("declares a task's position as any number, as clients may set it", async () => {
    const [user] = users;
    for (const position of [1e300, -1.7976931348623157e308, 2 ** 53]) {
      const created = await call(user, "createTask", {
        body: { title: `${user.marker} far`, position },
      });
      expect([created.status, created.problems], String(position)).toEqual([201, []]);
    }
  });

  it("declares on every /api operation the 413, 415 and 429 that the API's middleware answers", async () => {
    const [, user] = users;
    const apiOperations = operationsOf(doc).filter(
      (op) => op.secured && op.path.startsWith("/api/"),
    );
    const limited = await startTestServer(database, testConfig({ API_RATE_LIMIT_MAX: 1 }));
    try {
      await call(user, "getMe", {}, limited.url); // the one request of the budget
      for (const op of apiOperations) {
        const pathParams = { user_id: "me", id: "1" };
        const big = { bytes: Buffer.alloc(BODY_LIMIT + 1, " "), contentType: "application/json" };
        const text = { bytes: Buffer.from("hello"), contentType: "text/plain" };
        for (const [raw, status] of [
          [big, 413],
          [text, 415],
        ] as const) {
          const refused = await call(user, op.id, { pathParams, raw });
          expect([refused.status, refused.problems], `${op.id} → ${status}`).toEqual([status, []]);
        }
        const limitedCall = await call(user, op.id, { pathParams }, limited.url);
        expect([limitedCall.status, limitedCall.problems], `${op.id} → 429`).toEqual([429, []]);
      }
    } finally {
      await limited.close();
    }
  });

  it("refuses NUL in the q and tag filters with 422 (Postgres text cannot hold it)", async () => {
    const [user] = users;
    for (const [name, value] of [
      ["q", "a\u0000b"],
      ["tag", "\u0000"],
    ]) {
      const listed = await call(user, "listTasks", { query: [[name as string, value as string]] });
      expect([listed.status, listed.problems], name).toEqual([422, []]);
    }
  });

  it("the leak checks catch what they look for (so a quiet run means something)", () => {
    const [me, other] = users;
    const secrets = {
      forbidden: [
        { label: "the other user's marker", text: other.marker },
        { label: "the other user's email", text: other.email },
      ],
    };
    const leaks = (body: string) => findLeaks({ headers: {}, body }, secrets);
    expect(
      leaks(JSON.stringify({ title: `${me.marker} mine`, description: "select * from x where y" })),
    ).toEqual([]);
    expect(leaks(JSON.stringify({ detail: `hi ${other.email}` }))).toContain(
      "contains the other user's email",
    );
    expect(leaks(JSON.stringify({ title: `${other.marker} theirs` }))).toContain(
      "contains the other user's marker",
    );
    expect(
      leaks(
        JSON.stringify({
          detail: "Error: boom\n    at handler (/app/src/tasks/tasks.service.ts:42:7)",
        }),
      ).length,
    ).toBeGreaterThan(0);
    expect(
      leaks(
        JSON.stringify({ detail: 'Failed query: select "id" from "tasks" where "user_id" = $1' }),
      ).length,
    ).toBeGreaterThan(0);
    expect(
      leaks(
        JSON.stringify({
          detail: 'duplicate key value violates unique constraint "users_email_key"',
        }),
      ).length,
    ).toBeGreaterThan(0);
    expect(leaks(JSON.stringify({ p: `${"ab".repeat(16)}:${"cd".repeat(64)}` }))).toContain(
      "contains a password hash",
    );
    expect(leaks(JSON.stringify({ t: me.token }))).toContain("contains a JWT");
  });
});
