// The spec-driven fuzzer's server and users, and its requests: how one is written down (a Draft),
// rendered and sent over a raw socket. fuzz.test.ts, fuzz-auth.test.ts and fuzz-cases.test.ts share
// them; the requests themselves come from fuzz-factory.ts, fuzz-invalid.ts and fuzz-odd.ts.
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { pino } from "pino";
import { beforeAll, expect } from "vitest";
import type { Database } from "../../src/db/client.ts";
import { Browser } from "../browser.ts";
import { APP_ORIGIN, testConfig, uniqueEmail, useTestServer } from "../helpers.ts";
import type { OpenApiDocument, Operation } from "../openapi-document.ts";
import { sendRaw } from "./auth-fuzz.ts";

/** The seed of this run's requests: FUZZ_SEED=<seed> replays a run. */
export const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
export const BODY_LIMIT = 64 * 1024;
/** Refresh JWTs well before their 15 minutes are up. */
export const TOKEN_MAX_AGE_MS = 5 * 60_000;

// ---- Users ----

export interface FuzzUser {
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
  /** next_cursor values the user was given, with the operation and query that gave them. */
  cursors: { op: string; query: string; cursor: string }[];
  lastIdempotent?: { key: string; body: string };
}

export async function signUp(baseUrl: string, key: "A" | "B"): Promise<FuzzUser> {
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

export async function refreshToken(user: FuzzUser): Promise<void> {
  const response = await user.browser.get("/api/auth/token");
  expect(response.status).toBe(200);
  user.token = ((await response.json()) as { token: string }).token;
  user.tokenAt = Date.now();
}

/** The other of the two users. */
export const otherOf = (users: readonly [FuzzUser, FuzzUser], user: FuzzUser): FuzzUser =>
  user === users[0] ? users[1] : users[0];

/** The fuzz server: its database, the app served on it, its own document, and the two users. */
export interface FuzzServer {
  readonly database: Database;
  readonly url: string;
  readonly doc: OpenApiDocument;
  readonly users: readonly [FuzzUser, FuzzUser];
  /** The server's warnings and errors by request id, to say why a request failed. */
  readonly serverErrors: ReadonlyMap<string, string>;
}

/** The fuzz server for the tests of the calling file: started before them, stopped after. */
export function useFuzzServer(): FuzzServer {
  const serverErrors = new Map<string, string>();
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
  // The per-user budget is raised: 429s would hide the operations (see the explicit case).
  const app = useTestServer(testConfig({ API_RATE_LIMIT_MAX: 1_000_000 }), logger);
  let signedUp: { doc: OpenApiDocument; users: [FuzzUser, FuzzUser] } | undefined;
  beforeAll(async () => {
    const response = await fetch(`${app.server.url}/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as OpenApiDocument;
    signedUp = {
      doc,
      users: [await signUp(app.server.url, "A"), await signUp(app.server.url, "B")],
    };
  });
  const ready = () => {
    if (!signedUp) throw new Error("useFuzzServer: read before its beforeAll ran");
    return signedUp;
  };
  return {
    get database() {
      return app.database;
    },
    get url() {
      return app.server.url;
    },
    get doc() {
      return ready().doc;
    },
    get users() {
      return ready().users;
    },
    serverErrors,
  };
}

// ---- Requests ----

export type Kind = "valid" | "invalid" | "odd";

/** A request before it is rendered: parameters are raw values, encoded when rendered. */
export interface Draft {
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

export interface FuzzRequest extends Draft {
  kind: Kind;
  why: string;
}

export interface Sent {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  ms: number;
}

export const json = (value: unknown) => ({
  bytes: Buffer.from(JSON.stringify(value)),
  contentType: "application/json",
});

/** Percent-encodes a path or query part; lone surrogates become their (invalid) UTF-8 bytes. */
export function encodePart(value: string): string {
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
export function headerValue(value: string): string | undefined {
  const latin1 = Buffer.from(value, "utf8").toString("latin1");
  const control = [...latin1].some((c) => {
    const code = c.charCodeAt(0);
    return (code < 0x20 && code !== 0x09) || code === 0x7f;
  });
  return control ? undefined : latin1;
}

export function pathOf(draft: Draft): string {
  const path = draft.op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = draft.pathParams[name] ?? "";
    return draft.rawPath ? value : encodePart(value);
  });
  const query = draft.query.map(([k, v]) => `${encodePart(k)}=${encodePart(v)}`).join("&");
  return query ? `${path}?${query}` : path;
}

export async function send(baseUrl: URL, request: FuzzRequest): Promise<Sent> {
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
