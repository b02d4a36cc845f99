// The sign-in rate limits over HTTP: per address, per account, and behind a trusted proxy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser } from "../../test/browser.ts";
import {
  databaseKind,
  startTestServer,
  type TestServer,
  testConfig,
  uniqueEmail,
  useTestServer,
} from "../../test/helpers.ts";
import { accountsOn, PASSWORD } from "./auth.test-helpers.ts";

const app = useTestServer();
const { signedUp } = accountsOn(app);

describe(`rate limits (${databaseKind})`, () => {
  // Servers of their own with the limits on (the other tests run with them off).
  let direct: TestServer; // no trusted proxy: X-Forwarded-For is ignored
  let proxied: TestServer; // behind a trusted proxy on loopback: X-Forwarded-For names the client
  const ACCOUNT_MAX = 12;
  const limits = {
    RATE_LIMIT_ENABLED: true,
    SIGN_IN_RATE_LIMIT_MAX: 10,
    SIGN_IN_FAILURES_MAX: 5,
    SIGN_IN_FAILURES_ACCOUNT_MAX: ACCOUNT_MAX,
  };

  beforeAll(async () => {
    direct = await startTestServer(app.database, testConfig(limits));
    proxied = await startTestServer(
      app.database,
      testConfig({ ...limits, TRUSTED_PROXY: ["loopback"] }),
    );
  });
  afterAll(async () => {
    await direct?.close();
    await proxied?.close();
  });

  const randomIp = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join(".")}`;

  it("20 wrong passwords in a row get mostly 429, with Retry-After, whatever X-Forwarded-For says", async () => {
    const email = uniqueEmail("brute");
    await signedUp(email);
    const attacker = new Browser(direct.url);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await attacker.signIn(email, `guess number ${i}`, {
        "X-Forwarded-For": randomIp(),
      });
      statuses.push(response.status);
      if (response.status === 429)
        expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(14);
  });

  /** Signs in through the trusted proxy as the client at `ip`. */
  const signInFrom = (ip: string, email: string, password: string) =>
    new Browser(proxied.url).signIn(email, password, { "X-Forwarded-For": ip });

  it("5 failures from one address lock that address out of the account, not the owner elsewhere", async () => {
    const email = uniqueEmail("lock");
    await signedUp(email);
    const attacker = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await signInFrom(attacker, email, `guess ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // The attacker's address is locked even with the right password...
    const right = await signInFrom(attacker, email, PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(800); // the 15-minute window
    expect(((await right.json()) as { detail: string }).detail).toMatch(/from your network/);
    // ...and the owner, from their own address, is not.
    expect((await signInFrom(randomIp(), email, PASSWORD)).status).toBe(200);
  });

  it("tells the user how many tries are left before the lock, the same for an unknown email", async () => {
    const email = uniqueEmail("tries");
    await signedUp(email);
    const ip = randomIp();
    const messages: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await signInFrom(ip, email, `guess ${i}`);
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const body = (await response.json()) as {
        code: string;
        message: string;
        detail: string;
        triesLeft: number;
      };
      expect(body.code).toBe("INVALID_EMAIL_OR_PASSWORD");
      expect(body.detail).toBe(body.message);
      expect(body.triesLeft).toBe(4 - i);
      messages.push(body.message);
    }
    expect(messages[0]).toBe(
      "Wrong email or password. 4 tries left before sign-in is locked for 15 minutes.",
    );
    expect(messages[3]).toMatch(/^Wrong email or password\. 1 try left before/);
    expect(messages[4]).toMatch(
      /^Wrong email or password\. Too many failed tries: sign-in is locked/,
    );
    const unknown = await signInFrom(randomIp(), uniqueEmail("nobody"), "guess 0");
    expect(((await unknown.json()) as { message: string }).message).toBe(messages[0]);
  });

  it("caps one account's failures over all addresses: past the ceiling, every address gets 429", async () => {
    const email = uniqueEmail("spread");
    await signedUp(email);
    const statuses: number[] = [];
    // Two failures each from many addresses: no address reaches its own limit.
    for (let i = 0; i < ACCOUNT_MAX + 2; i++) {
      statuses.push((await signInFrom(randomIp(), email, `guess ${i}`)).status);
    }
    expect(statuses.slice(0, ACCOUNT_MAX)).toEqual(Array(ACCOUNT_MAX).fill(401));
    expect(statuses.slice(ACCOUNT_MAX)).toEqual([429, 429]);
    const owner = await signInFrom(randomIp(), email, PASSWORD);
    expect(owner.status).toBe(429);
    expect(((await owner.json()) as { detail: string }).detail).toBe(
      "Too many failed sign-ins for this account. Try again later.",
    );
    // Other accounts are not affected.
    const { email: other } = await signedUp();
    expect((await signInFrom(randomIp(), other, PASSWORD)).status).toBe(200);
  });

  it("counts an IPv6 client by its /64: new addresses in the same prefix do not get new tries", async () => {
    const email = uniqueEmail("ipv6");
    await signedUp(email);
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:1`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await signInFrom(`${prefix}:${i}:0:0:${i + 1}`, email, `guess ${i}`)).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Another /64 is another client.
    expect((await signInFrom("2001:db8:ffff:2::1", email, PASSWORD)).status).toBe(200);
  });

  it("limits one client trying many accounts, and not the next client", async () => {
    const client = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await new Browser(proxied.url).signIn(
        uniqueEmail("spray"),
        "some password 123",
        {
          "X-Forwarded-For": client,
        },
      );
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const next = await new Browser(proxied.url).signIn(uniqueEmail("spray"), "some password 123", {
      "X-Forwarded-For": randomIp(),
    });
    expect(next.status).toBe(401);
  });
});
