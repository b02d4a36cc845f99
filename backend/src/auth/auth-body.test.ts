// What /api/auth/* accepts as a body (issue 13): JSON only, at most 64 KB, not nested deeper than
// a real body is, and a name and image within bounds. Better Auth takes other encodings, any size
// and any name; the API's own checks (the sign-in lock above all) must see what Better Auth sees.
import { request as httpRequest } from "node:http";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { Browser } from "../../test/browser.ts";
import {
  APP_ORIGIN,
  databaseKind,
  testConfig,
  uniqueEmail,
  useTestServer,
} from "../../test/helpers.ts";
import { users } from "../db/schema.ts";

const PASSWORD = "a long unusual passphrase 42";

const app = useTestServer(testConfig({ SIGN_IN_FAILURES_MAX: 5 }));

async function signedUp(email = uniqueEmail()) {
  const browser = new Browser(app.server.url);
  const response = await browser.signUp(email, PASSWORD);
  expect(response.status).toBe(200);
  return { browser, email };
}

/** A POST with a raw body and Content-Type, as a browser form or a script would send it. */
function postRaw(path: string, body: RequestInit["body"], contentType?: string, cookie?: string) {
  return fetch(`${app.server.url}${path}`, {
    method: "POST",
    headers: {
      Origin: APP_ORIGIN,
      ...(contentType ? { "Content-Type": contentType } : {}),
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body,
  });
}

function multipart(fields: Record<string, string>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form; // fetch writes the boundary into Content-Type
}

async function expectProblem(response: Response, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const body = (await response.json()) as { status: number; detail: string };
  expect(body.status).toBe(status);
  return body;
}

describe(`/api/auth/* takes JSON bodies only (${databaseKind})`, () => {
  const encodings = (email: string, password: string) =>
    [
      ["form", new URLSearchParams({ email, password }), "application/x-www-form-urlencoded"],
      ["multipart", multipart({ email, password }), undefined],
      ["text", JSON.stringify({ email, password }), "text/plain"],
      ["no type", JSON.stringify({ email, password }), ""],
    ] as const;

  it("refuses a form-encoded, multipart or text sign-in with 415, even with the right password on a locked account", async () => {
    const { email } = await signedUp();
    for (let i = 0; i < 5; i++) {
      expect((await new Browser(app.server.url).signIn(email, `wrong guess ${i}`)).status).toBe(
        401,
      );
    }
    expect((await new Browser(app.server.url).signIn(email, PASSWORD)).status).toBe(429);
    for (const [label, body, type] of encodings(email, PASSWORD)) {
      const response = await postRaw("/api/auth/sign-in/email", body, type);
      expect(response.headers.getSetCookie(), label).toEqual([]);
      expect((await expectProblem(response, 415)).detail, label).toMatch(/application\/json/);
    }
  });

  it("wrong guesses in other encodings are no free tries: refused, while JSON still signs in", async () => {
    const { email } = await signedUp();
    for (let i = 0; i < 3; i++) {
      for (const [label, body, type] of encodings(email, `wrong guess ${i}`)) {
        const response = await postRaw("/api/auth/sign-in/email", body, type);
        expect(response.status, label).toBe(415);
      }
    }
    expect((await new Browser(app.server.url).signIn(email, PASSWORD)).status).toBe(200);
  });

  it("creates no account from a form-encoded sign-up", async () => {
    const email = uniqueEmail("form");
    const body = new URLSearchParams({ email, password: PASSWORD, name: "Form" });
    await expectProblem(
      await postRaw("/api/auth/sign-up/email", body, "application/x-www-form-urlencoded"),
      415,
    );
    expect(await app.database.db.select().from(users).where(eq(users.email, email))).toEqual([]);
  });

  it("takes application/json with parameters, and a POST with no body at all", async () => {
    const { browser, email } = await signedUp();
    const response = await postRaw(
      "/api/auth/sign-in/email",
      JSON.stringify({ email, password: PASSWORD }),
      "application/json; charset=utf-8",
    );
    expect(response.status).toBe(200);
    const signOut = await fetch(`${app.server.url}/api/auth/sign-out`, {
      method: "POST",
      headers: { Origin: APP_ORIGIN, Cookie: browser.cookieHeader },
    });
    expect(signOut.status).toBe(200);
  });
});

/** Sends headers announcing `declared` bytes and only a few: the answer must not wait for the rest. */
function announceLargeBody(path: string, declared: number) {
  const url = new URL(`${app.server.url}${path}`);
  return new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: url.pathname,
        headers: {
          origin: APP_ORIGIN,
          "content-type": "application/json",
          "content-length": String(declared),
        },
        timeout: 5_000,
      },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"] });
        req.destroy();
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer: the server waited for the body")));
    req.on("error", reject);
    req.write('{"email":"a@b.co","password":"');
  });
}

describe(`bodies over 64 KB (${databaseKind})`, () => {
  it("are refused with 413 on /api/auth/* before they are read, with a length or chunked", async () => {
    for (const path of ["/api/auth/sign-in/email", "/api/auth/sign-up/email"]) {
      expect(await announceLargeBody(path, 128 * 1024 * 1024)).toEqual({
        status: 413,
        type: "application/problem+json",
      });
    }
    const big = JSON.stringify({
      email: uniqueEmail(),
      password: PASSWORD,
      name: "n".repeat(70_000),
    });
    await expectProblem(await postRaw("/api/auth/sign-up/email", big, "application/json"), 413);
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await fetch(`${app.server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { Origin: APP_ORIGIN, "Content-Type": "application/json" },
      body: chunks,
      duplex: "half",
    } as RequestInit);
    await expectProblem(chunked, 413);
  });

  it("are refused with 413 on every other route too", async () => {
    for (const path of ["/docs", "/healthz", "/openapi.json", "/api/me/tasks"]) {
      const answer = await announceLargeBody(path, 128 * 1024 * 1024);
      expect(answer, path).toEqual({ status: 413, type: "application/problem+json" });
    }
  });
});

describe(`names and images (${databaseKind})`, () => {
  const longName = "😀".repeat(101); // 101 characters, 202 UTF-16 units
  const badNames: unknown[] = [longName, "a\u0000b", "tab\there", 123, { first: "Ada" }, ["Ada"]];
  const badImages: unknown[] = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "data:image/png;base64,AAAA",
    "/avatar.png",
    "//evil.example/a.png",
    "https://example.com/a b.png",
    "",
    `https://example.com/${"a".repeat(2048)}`,
    42,
  ];

  it("sign-up refuses a name or image out of bounds with 422 problem+json, and creates nobody", async () => {
    for (const [field, value] of [
      ...badNames.map((v) => ["name", v] as const),
      ...badImages.map((v) => ["image", v] as const),
    ]) {
      const email = uniqueEmail("profile");
      const response = await new Browser(app.server.url).post("/api/auth/sign-up/email", {
        email,
        password: PASSWORD,
        name: "Ada",
        [field]: value,
      });
      const label = `${field}: ${JSON.stringify(value).slice(0, 60)}`;
      const problem = (await expectProblem(response, 422)) as { errors?: { path: string }[] };
      expect(
        problem.errors?.map((e) => e.path),
        label,
      ).toEqual([field]);
      expect(
        await app.database.db.select().from(users).where(eq(users.email, email)),
        label,
      ).toEqual([]);
    }
  });

  it("update-user refuses them too (and null or a blank name), and changes nothing", async () => {
    const { browser, email } = await signedUp();
    const cases: (readonly ["name" | "image", unknown])[] = [
      ...badNames.map((v) => ["name", v] as const),
      ["name", null],
      ["name", "   "],
      ...badImages.map((v) => ["image", v] as const),
    ];
    for (const [field, value] of cases) {
      const response = await browser.post("/api/auth/update-user", { [field]: value });
      await expectProblem(response, 422);
    }
    const [row] = await app.database.db.select().from(users).where(eq(users.email, email));
    expect(row?.name).toBe(email.split("@")[0]);
    expect(row?.image).toBeNull();
  });

  it("keeps names of up to 100 characters (trimmed) and https/http image URLs; null removes the image", async () => {
    const email = uniqueEmail("ok");
    const browser = new Browser(app.server.url);
    const name = "😀".repeat(100);
    const image = `https://example.com/${"a".repeat(2028)}`; // 2048 characters
    expect(image).toHaveLength(2048);
    const signUp = await browser.post("/api/auth/sign-up/email", {
      email,
      password: PASSWORD,
      name: `  ${name} `,
      image,
    });
    expect(signUp.status).toBe(200);
    let [row] = await app.database.db.select().from(users).where(eq(users.email, email));
    expect([row?.name, row?.image]).toEqual([name, image]);

    const changed = await browser.post("/api/auth/update-user", {
      name: " Ada Lovelace ",
      image: "http://example.com/ada.png",
    });
    expect(changed.status).toBe(200);
    [row] = await app.database.db.select().from(users).where(eq(users.email, email));
    expect([row?.name, row?.image]).toEqual(["Ada Lovelace", "http://example.com/ada.png"]);

    expect((await browser.post("/api/auth/update-user", { image: null })).status).toBe(200);
    const session = (await (await browser.get("/api/auth/get-session")).json()) as {
      user: { name: string; image: string | null };
    };
    expect([session.user.name, session.user.image]).toEqual(["Ada Lovelace", null]);
  });
});

describe(`deeply nested JSON (${databaseKind})`, () => {
  // Just under 64 KB: 20,000 levels would be over the body limit, and answered 413 anyway.
  const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
  const deep = nested(10_000);

  it("is a 400 problem on every Better Auth endpoint, never a 500", async () => {
    const { browser, email } = await signedUp();
    const bodies = [
      ["/api/auth/sign-in/email", `{"email":"${email}","password":"x","n":${deep}}`],
      [
        "/api/auth/sign-up/email",
        `{"email":"${uniqueEmail()}","password":"${PASSWORD}","n":${deep}}`,
      ],
      ["/api/auth/sign-in/email", deep],
      ["/api/auth/update-user", `{"name":"Ada","n":${deep}}`],
      ["/api/auth/change-password", `{"currentPassword":"x","newPassword":${deep}}`],
      ["/api/auth/sign-out", deep],
      ["/api/auth/revoke-sessions", deep],
      ["/api/auth/delete-user", `{"password":${deep}}`],
    ] as const;
    for (const [path, body] of bodies) {
      const response = await postRaw(path, body, "application/json", browser.cookieHeader);
      const problem = await expectProblem(response, 400);
      expect(problem.detail, path).toMatch(/nested more than \d+ levels/);
    }
    // Nesting a real body might have is fine.
    expect((await browser.signIn(email)).status).toBe(200);
  });

  it("is a 4xx on the task routes too", async () => {
    const { browser } = await signedUp();
    const token = ((await (await browser.get("/api/auth/token")).json()) as { token: string })
      .token;
    for (const [method, path, body] of [
      ["POST", "/api/me/tasks", `{"title":"x","n":${deep}}`],
      ["POST", "/api/me/tasks", `{"title":${deep}}`],
      ["POST", "/api/me/tasks", `{"title":"x","tags":${"[".repeat(30_000)}${"]".repeat(30_000)}}`],
      ["POST", "/api/me/tasks/bulk", `{"action":${deep},"ids":[1]}`],
      ["PATCH", "/api/me/tasks/1", `{"title":"x","n":${deep}}`],
      ["PUT", "/api/me/tasks/1", `{"title":"x","due_at":${deep}}`],
      ["PATCH", "/api/me/tasks/1/complete", `{"is_completed":${deep}}`],
    ] as const) {
      const response = await fetch(`${app.server.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body,
      });
      expect(response.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${method} ${path}`).toBeLessThan(500);
    }
  });
});
