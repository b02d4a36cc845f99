// The spec-driven fuzzer's odd requests: content that is odd but not necessarily wrong (odd strings,
// duplicate keys, odd headers, a body where none is taken), judged by the general checks only.
import fc from "fast-check";
import { deref, type Operation } from "../openapi-document.ts";
import { labelled, type Mutation, type RequestFactory } from "./fuzz-factory.ts";
import { unacceptableBodies } from "./fuzz-invalid.ts";
import { type Draft, encodePart, type FuzzUser, headerValue, json } from "./fuzz-requests.ts";
import { ODD_STRINGS } from "./openapi-values.ts";

// Node refuses request heads over 16 KB with 431 before the app sees them: a transport limit
// outside the document, so odd headers and paths stay well under it.
const HEADER_ODD = ODD_STRINGS.map(headerValue).filter(
  (v): v is string => v !== undefined && v.length <= 1000,
);

/** A request with odd but not necessarily wrong content: judged by the general checks only. */
export function oddRequest(factory: RequestFactory, op: Operation, user: FuzzUser): Mutation {
  const base = factory.valid(op, user);
  const mutations: Mutation[] = [];
  const mutate = (why: string | fc.Arbitrary<string>, change: (d: Draft, w: string) => Draft) =>
    mutations.push(
      fc
        .tuple(base, typeof why === "string" ? fc.constant(why) : why)
        .map(([draft, w]) => ({ draft: change(draft, w), why: w })),
    );
  const odd = fc.constantFrom(...ODD_STRINGS);
  const oddInUrl = fc.constantFrom(...ODD_STRINGS.filter((v) => encodePart(v).length < 2000));
  const bodySchema = factory.bodySchema(op);
  const stringFields = Object.entries(bodySchema?.properties ?? {})
    .filter(([, s]) => {
      const d = deref(factory.doc, s);
      return (
        (d.type === "string" && !d.enum && !d.format) ||
        deref(factory.doc, d.items ?? {}).type === "string"
      );
    })
    .map(([name, s]) => ({ name, array: deref(factory.doc, s).type === "array" }));
  if (op.body && stringFields.length > 0) {
    mutations.push(
      fc.tuple(base, fc.constantFrom(...stringFields), odd).map(([d, field, s]) => {
        const value = (JSON.parse(d.body?.bytes.toString() ?? "{}") ?? {}) as Record<
          string,
          unknown
        >;
        const next = { ...value, [field.name]: field.array ? [s] : s };
        return {
          draft: { ...d, body: json(factory.brand(op, user, next)) },
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
  const stringQuery = factory.params(op, "query").filter((p) => {
    const s = deref(factory.doc, p.schema ?? {});
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
    const theirs = factory.other(user).cursors;
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
    mutations.push(...unacceptableBodies(factory, op, user, base));
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
