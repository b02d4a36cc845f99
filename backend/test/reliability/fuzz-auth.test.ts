// The fuzzer's run on Better Auth's routes (issue 13): /api/auth/* requests in every encoding, size
// and nesting (auth-fuzz.ts describes their bodies), as a user of its own that the requests may
// sign out, change or delete; none may get a 5xx or leak the fuzz users' secrets.
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Browser } from "../browser.ts";
import { APP_ORIGIN, databaseKind, uniqueEmail } from "../helpers.ts";
import {
  AUTH_ENDPOINTS,
  type AuthEndpoint,
  type AuthKind,
  authRequest,
  encode,
  sendRaw,
} from "./auth-fuzz.ts";
import { mulberry32 } from "./fuzz-judge.ts";
import { SEED, useFuzzServer } from "./fuzz-requests.ts";
import { findLeaks } from "./leaks.ts";
import { FULL, recordFigures, size } from "./suite.ts";

/** Requests to Better Auth's routes (each sign-up or sign-in costs a hash). */
const AUTH_REQUESTS = size(100, 3_000);

const fuzz = useFuzzServer();

describe(`the spec-driven fuzzer on /api/auth/* (${databaseKind})`, () => {
  it("answers /api/auth/* requests in every encoding, size and nesting without a 5xx or a leak", {
    timeout: FULL ? 1_800_000 : 60_000,
  }, async () => {
    const started = performance.now();
    const baseUrl = new URL(fuzz.url);
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
      const browser = new Browser(fuzz.url);
      const email = uniqueEmail("fuzz-auth");
      const password = `fuzz auth passphrase ${randomBytes(4).toString("hex")}`;
      expect((await browser.signUp(email, password)).status).toBe(200);
      return { email, password, browser, alive: true };
    };
    let victim = await newVictim();
    const forbidden = fuzz.users.flatMap((u) => [
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
});
