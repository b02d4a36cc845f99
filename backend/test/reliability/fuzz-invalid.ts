// The spec-driven fuzzer's invalid requests: a valid request with one thing broken (credentials,
// the user id in the path, a parameter, a header, the body), which the server must refuse with a 4xx.
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { APP_ORIGIN } from "../helpers.ts";
import { deref, type Operation, type Parameter } from "../openapi-document.ts";
import { labelled, type Mutation, type RequestFactory } from "./fuzz-factory.ts";
import { BODY_LIMIT, type Draft, encodePart, type FuzzUser, json } from "./fuzz-requests.ts";
import { NOT_AN_INTEGER, ODD_STRINGS } from "./openapi-values.ts";

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

/** A request the document says is wrong: one thing broken in a valid one. */
export function invalidRequest(
  factory: RequestFactory,
  op: Operation,
  user: FuzzUser,
): Mutation | undefined {
  const base = factory.valid(op, user);
  const other = factory.other(user);
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
  if (factory.params(op, "path").some((p) => p.name === "user_id")) {
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
  if (factory.params(op, "path").some((p) => p.name === "id")) {
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
  const queryParams = factory.params(op, "query");
  for (const p of queryParams) {
    const bad = badQueryValues(factory, p, user);
    if (bad.length === 0) continue;
    mutate(fc.constantFrom(...bad), (d, w) => ({
      ...d,
      query: [...d.query.filter(([k]) => k !== p.name), [p.name, w]],
    }));
  }
  const repeatable = queryParams.filter((p) => {
    const s = deref(factory.doc, p.schema ?? {});
    return s.enum !== undefined || s.type === "integer";
  });
  if (repeatable.length > 0) {
    mutate(fc.constantFrom(...repeatable.map((p) => p.name)), (d, name) => {
      const schema = deref(factory.doc, queryParams.find((p) => p.name === name)?.schema ?? {});
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
  const headerNames = factory.params(op, "header").map((p) => p.name);
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
          factory.brand(op, user, { title: `another body ${randomBytes(4).toString("hex")}` }),
        ),
      }));
    }
  }
  if (op.body) {
    const bad = factory.invalidBodyValue(op);
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
  if (op.secured && isApi && op.body)
    mutations.push(...unacceptableBodies(factory, op, user, base));
  return mutations.length > 0
    ? fc.oneof(...mutations).map(({ draft, why }) => ({ draft, why: labelled(why) }))
    : undefined;
}

/** A body that is not JSON, or over 64 KB (sent with Content-Length, or chunked without it). */
export function unacceptableBodies(
  factory: RequestFactory,
  op: Operation,
  user: FuzzUser,
  base: fc.Arbitrary<Draft>,
): Mutation[] {
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
  const tooLarge = fc.tuple(base, fc.constantFrom("Content-Length", "chunked")).map(([d, how]) => ({
    draft: {
      ...d,
      chunked: how === "chunked",
      body: json(
        factory.brand(op, user, {
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

function badQueryValues(factory: RequestFactory, p: Parameter, user: FuzzUser): string[] {
  const schema = deref(factory.doc, p.schema ?? {});
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
    return ["Mars/Olympus_Mons", "", "utc ", "Europe/Paris\u0000", "../../etc/localtime", "+25:00"];
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
