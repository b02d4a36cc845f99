// The fuzzer's part for Better Auth's routes (issue 13). /openapi.json does not declare them (they
// are mounted outside the OpenAPI app), so their bodies are described here, as JSON Schemas that
// openapi-values.ts and openapi-invalid.ts turn into valid and invalid values; each request is
// then sent in one of the encodings Better Auth would parse (JSON, form, multipart, text), or too
// large, or too deep.
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import fc from "fast-check";
import type { JsonSchema, OpenApiDocument } from "../openapi-document.ts";
import { type Invalid, invalidValue } from "./openapi-invalid.ts";
import { ODD_STRINGS, validValue } from "./openapi-values.ts";

export interface AuthEndpoint {
  method: "GET" | "POST";
  path: string;
  /** Whether it acts on the caller's session (sent with the session cookie). */
  session: boolean;
  /**
   * The body, as far as Better Auth checks it: a body this schema refuses must be refused (4xx).
   * Endpoints that ignore their body (sign-out) have none here: any body is only odd there.
   */
  body?: JsonSchema;
}

const email: JsonSchema = { type: "string", format: "email", maxLength: 254 };
const password: JsonSchema = { type: "string", minLength: 8, maxLength: 128 };
const name: JsonSchema = { type: "string", minLength: 1, maxLength: 100 };
// On sign-up an empty (or blank) name is not refused: the account is named after its email.
const signUpName: JsonSchema = { type: "string", maxLength: 100 };
const image: JsonSchema = { type: "string", format: "uri", maxLength: 2048 };

export const AUTH_ENDPOINTS: readonly AuthEndpoint[] = [
  {
    method: "POST",
    path: "/api/auth/sign-up/email",
    session: false,
    body: {
      type: "object",
      properties: { email, password, name: signUpName, image },
      required: ["email", "password"],
    },
  },
  {
    method: "POST",
    path: "/api/auth/sign-in/email",
    session: false,
    body: {
      type: "object",
      properties: { email: { type: "string" }, password: { type: "string" } },
      required: ["email", "password"],
    },
  },
  { method: "POST", path: "/api/auth/sign-out", session: true },
  { method: "GET", path: "/api/auth/get-session", session: true },
  { method: "GET", path: "/api/auth/token", session: true },
  {
    method: "POST",
    path: "/api/auth/update-user",
    session: true,
    body: { type: "object", properties: { name, image: { ...image, type: ["string", "null"] } } },
  },
  {
    method: "POST",
    path: "/api/auth/change-password",
    session: true,
    body: {
      type: "object",
      properties: {
        currentPassword: { type: "string" },
        newPassword: password,
        revokeOtherSessions: { type: "boolean" },
      },
      required: ["currentPassword", "newPassword"],
    },
  },
  { method: "POST", path: "/api/auth/revoke-sessions", session: true },
  {
    method: "POST",
    path: "/api/auth/delete-user",
    session: true,
    body: { type: "object", properties: { password: { type: "string" } } },
  },
];

/** The schemas live outside any document: openapi-values.ts reads `$ref`s from one, and there are none. */
const NO_DOCUMENT: OpenApiDocument = { openapi: "3.1.0", paths: {} };

export type AuthKind = "valid" | "invalid" | "odd";

/** One request to an auth endpoint, before the caller's credentials are filled in. */
export interface AuthDraft {
  endpoint: AuthEndpoint;
  kind: AuthKind;
  why: string;
  /** The body as a value, encoded as `encoding` says; or raw bytes. */
  value?: unknown;
  raw?: Buffer;
  encoding: Encoding;
  chunked?: boolean;
  /** Use the caller's real email and password in the body (where the endpoint takes them). */
  ownCredentials: boolean;
  /** The status the API must answer, when one is certain (413, 415, 400 for nesting). */
  expect?: number;
}

export type Encoding = "json" | "json; charset" | "form" | "multipart" | "text" | "none-type";
const OTHER_ENCODINGS: Encoding[] = ["form", "multipart", "text", "none-type"];

/** The bytes and Content-Type of a body in an encoding Better Auth would parse. */
export function encode(value: unknown, encoding: Encoding): { bytes: Buffer; type?: string } {
  const fields = Object.entries(
    typeof value === "object" && value !== null && !Array.isArray(value) ? value : { value },
  ).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)] as const);
  switch (encoding) {
    case "json":
      return { bytes: Buffer.from(JSON.stringify(value)), type: "application/json" };
    case "json; charset":
      return { bytes: Buffer.from(JSON.stringify(value)), type: "application/json; charset=utf-8" };
    case "form":
      return {
        bytes: Buffer.from(
          new URLSearchParams(fields.map(([k, v]): [string, string] => [k, v])).toString(),
        ),
        type: "application/x-www-form-urlencoded",
      };
    case "multipart": {
      const boundary = "fuzzboundary7MA4YWxkTrZu0gW";
      const parts = fields.map(
        ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
      );
      return {
        bytes: Buffer.from(`${parts.join("")}--${boundary}--\r\n`),
        type: `multipart/form-data; boundary=${boundary}`,
      };
    }
    case "text":
      return { bytes: Buffer.from(JSON.stringify(value)), type: "text/plain" };
    case "none-type":
      return { bytes: Buffer.from(JSON.stringify(value)) };
  }
}

const BODY_LIMIT = 64 * 1024;
const MALFORMED = ['{"email":', "{email:'a'}", '{"a":1}{"b":2}', "[", "nul", '"x', "\u0000"];

/** Requests for one endpoint: ~45% valid, ~45% invalid, ~10% odd, as the spec fuzzer does. */
export function authRequest(endpoint: AuthEndpoint, kind: AuthKind): fc.Arbitrary<AuthDraft> {
  const base = { endpoint, kind, encoding: "json" as Encoding, ownCredentials: false };
  const schema = endpoint.body;
  const valid = schema ? validValue(NO_DOCUMENT, schema, { maxStringLength: 60 }) : fc.constant({});
  const own = fc.boolean();
  const validDraft = fc
    .tuple(valid, own, fc.constantFrom<Encoding>("json", "json; charset"))
    .map(([value, ownCredentials, encoding]) => ({
      ...base,
      why: "valid",
      value,
      ownCredentials,
      encoding,
    }));
  if (kind === "valid") return validDraft;

  const mutations: fc.Arbitrary<AuthDraft>[] = [];
  if (endpoint.method === "POST") {
    // Every encoding but JSON is refused, however good the body (the lock reads JSON only).
    mutations.push(
      fc
        .tuple(validDraft, fc.constantFrom(...OTHER_ENCODINGS))
        // A field of its own, so that even an empty body is not encoded as no body at all.
        .map(([d, encoding]) => ({
          ...d,
          why: `encoded as ${encoding}`,
          value: { fuzz: "x", ...(d.value as object) },
          encoding,
          expect: 415,
        })),
      fc.tuple(validDraft, fc.boolean()).map(([d, chunked]) => ({
        ...d,
        why: `over 64 KB${chunked ? " (chunked)" : ""}`,
        value: { ...(d.value as object), name: "n".repeat(BODY_LIMIT + 1) },
        chunked,
        expect: 413,
      })),
      fc.tuple(validDraft, fc.integer({ min: 33, max: 10_000 })).map(([d, levels]) => ({
        ...d,
        why: `nested ${levels} deep`,
        raw: Buffer.from(
          `{"email":"a@b.co","password":"x","n":${'{"a":'.repeat(levels)}1${"}".repeat(levels)}}`,
        ),
        expect: 400,
      })),
      fc.tuple(validDraft, fc.constantFrom(...MALFORMED)).map(([d, text]) => ({
        ...d,
        why: `malformed ${JSON.stringify(text)}`,
        raw: Buffer.from(text),
      })),
    );
  }
  const bad: fc.Arbitrary<Invalid> | undefined = schema
    ? invalidValue(NO_DOCUMENT, schema, { maxStringLength: 60 })
    : undefined;
  if (bad) {
    mutations.push(
      fc.tuple(validDraft, bad).map(([d, b]) => ({
        ...d,
        why: `body ${b.why}`,
        value: b.value,
        ownCredentials: false,
      })),
    );
  }
  if (kind === "invalid" && mutations.length > 0) return fc.oneof(...mutations);

  // Odd: strange strings in every field, odd JSON, a body where none is taken.
  const fieldNames = Object.keys(schema?.properties ?? { name: true, email: true });
  const odd = [
    fc
      .tuple(validDraft, fc.constantFrom(...fieldNames), fc.constantFrom(...ODD_STRINGS))
      .map(([d, field, s]) => ({
        ...d,
        kind: "odd" as const,
        why: `odd ${field}`,
        value: { ...(d.value as object), [field]: s },
      })),
    fc
      .tuple(
        validDraft,
        fc.constantFrom(
          '{"email":"a@b.co","email":"c@d.co","password":"x"}',
          '\ufeff{"email":"a@b.co","password":"x"}',
          '{"__proto__":{"emailVerified":true},"email":"a@b.co","password":"x"}',
          '{"constructor":{"prototype":{"x":1}},"name":"x"}',
          "null",
          "[]",
          '"string"',
          "42",
          `{"n":${"[".repeat(30)}${"]".repeat(30)}}`,
        ),
      )
      .map(([d, text]) => ({
        ...d,
        kind: "odd" as const,
        why: `odd JSON ${text.slice(0, 30)}`,
        raw: Buffer.from(text),
      })),
  ];
  return fc.oneof(
    ...odd,
    ...(kind === "invalid"
      ? []
      : mutations.map((m) => m.map((d) => ({ ...d, kind: "odd" as const })))),
  );
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request over real HTTP (node:http: any method, any body, chunked or not). */
export function sendRaw(
  baseUrl: URL,
  init: {
    method: string;
    path: string;
    headers: Record<string, string>;
    body?: Buffer;
    chunked?: boolean;
  },
): Promise<RawResponse> {
  // The body's framing first, then the caller's headers: a fuzzed Content-Length is sent as is.
  // Node's client frames a GET or DELETE body in chunks only when told to.
  const framing: Record<string, string> = {};
  if (init.body && !init.chunked) framing["content-length"] = String(init.body.length);
  if (init.body && init.chunked) framing["transfer-encoding"] = "chunked";
  const headers = { ...framing, ...init.headers };
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(
      {
        host: baseUrl.hostname,
        port: baseUrl.port,
        method: init.method,
        path: init.path,
        headers,
        agent: false,
        timeout: 15_000,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        const done = () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          });
        // An event stream never ends by itself: its first event is its answer.
        const stream = res.headers["content-type"]?.startsWith("text/event-stream");
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          if (stream && Buffer.concat(chunks).includes("\n\n")) {
            done();
            req.destroy();
          }
        });
        res.on("end", done);
        res.on("error", (error) => (stream ? done() : reject(error)));
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer within 15 s")));
    // A server that answers 413 before reading a large body may close the socket under our feet.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const bytes = init.body;
    if (bytes && init.chunked) {
      for (let i = 0; i < bytes.length; i += 16 * 1024) req.write(bytes.subarray(i, i + 16 * 1024));
      req.end();
    } else req.end(bytes);
  });
}
