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
// for the whole run. Better Auth's routes get a run of their own (fuzz-auth.test.ts). The API's
// per-user rate limit is raised for the fuzz server (429s would only hide operations); an explicit
// case (fuzz-cases.test.ts) checks that every operation declares its 429.
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { databaseKind } from "../helpers.ts";
import { createResponseChecker, type Operation, operationsOf } from "../openapi-document.ts";
import { RequestFactory } from "./fuzz-factory.ts";
import { invalidRequest } from "./fuzz-invalid.ts";
import { describeRequest, type Finding, judge, mulberry32, observe, redact } from "./fuzz-judge.ts";
import { oddRequest } from "./fuzz-odd.ts";
import {
  type Draft,
  type FuzzRequest,
  type FuzzUser,
  json,
  type Kind,
  refreshToken,
  SEED,
  send,
  TOKEN_MAX_AGE_MS,
  useFuzzServer,
} from "./fuzz-requests.ts";
import { FULL, recordFigures, size } from "./suite.ts";

const REQUESTS = size(600, 12_000);

const fuzz = useFuzzServer();

describe(`the spec-driven fuzzer (${databaseKind})`, () => {
  it("answers every operation's valid, invalid and odd requests as the document says, leaking nothing", {
    timeout: FULL ? 1_800_000 : 60_000,
  }, async () => {
    const started = performance.now();
    const operations = operationsOf(fuzz.doc);
    expect(operations.length).toBeGreaterThan(0);
    const factory = new RequestFactory(fuzz.doc, fuzz.users);
    const check = createResponseChecker(fuzz.doc);
    const baseUrl = new URL(fuzz.url);
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
      // A request that fails outright (the connection cut) names its seed and what it was.
      const sent = await send(baseUrl, request).catch((error: Error) => {
        throw new Error(
          `seed ${SEED}: ${request.op.method} ${request.op.path} [${request.kind}]: ${error.message}`,
        );
      });
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
          const logged = requestId ? fuzz.serverErrors.get(requestId) : undefined;
          findings.set(signature, {
            count: 1,
            request: describeRequest(request, fuzz.users),
            response: redact(`${sent.status} ${sent.body.slice(0, 600)}`, fuzz.users),
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
      const user = fuzz.users[i % 2] as FuzzUser;
      if (Date.now() - user.tokenAt > TOKEN_MAX_AGE_MS) await refreshToken(user);
      await replenish(user);
      const generationStarted = performance.now();
      let arbitrary: fc.Arbitrary<{ draft: Draft; why: string }> | undefined;
      let kind = slot.kind;
      if (kind === "invalid") arbitrary = invalidRequest(factory, slot.op, user);
      // An operation with nothing to get wrong (no credentials, parameters or body) gets odd ones.
      if (!arbitrary && kind === "invalid") kind = "odd";
      if (kind === "odd") arbitrary = oddRequest(factory, slot.op, user);
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
});
