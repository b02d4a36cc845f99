// The addresses the web app is reached at (issue 13): every address of this machine works with no
// configuration; a configured deployment refuses others with a message naming the one to open;
// and no header a client writes changes the address the API's rate limits see.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request as httpClient, type Page } from "@playwright/test";
import { expect, hydrated, newEmail, PASSWORD, test } from "./fixtures.ts";
import { API_PORT, WEB_PORT } from "./playwright.config.ts";

async function signUpAt(page: Page, origin: string) {
  await page.goto(`${origin}/sign-up`);
  await hydrated(page.getByRole("button", { name: "Create account" }));
  await page.getByLabel("Email").fill(newEmail("address"));
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
}

const listensOn = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port })
      .on("connect", () => resolve(true))
      .on("error", () => resolve(false));
    socket.unref();
    setTimeout(() => socket.destroy(), 1000);
  });

test.describe("with no configuration", () => {
  test("signs up at http://127.0.0.1:<port>, the address Next.js prints", async ({ page }) => {
    await signUpAt(page, `http://127.0.0.1:${WEB_PORT}`);
    // scrypt on a busy machine: creating the account can take seconds.
    await expect(page).toHaveURL(`http://127.0.0.1:${WEB_PORT}/tasks`, { timeout: 20_000 });
    await expect(page.getByRole("textbox", { name: "New task" })).toBeVisible();
  });

  test("signs up at http://[::1]:<port> when the web app listens there", async ({ page }) => {
    test.skip(!(await listensOn("::1", WEB_PORT)), "the web app does not listen on [::1]");
    await signUpAt(page, `http://[::1]:${WEB_PORT}`);
    await expect(page).toHaveURL(`http://[::1]:${WEB_PORT}/tasks`, { timeout: 20_000 });
  });
});

// A second app, started as `npm start` starts it, for what the shared one cannot show: a public
// address (PUBLIC_URL) and per-address limits low enough to reach (the shared one's are lifted).
test.describe("a deployment with PUBLIC_URL and the default per-address limits", () => {
  test.describe.configure({ mode: "serial" });
  const apiPort = API_PORT + 1;
  const webPort = WEB_PORT + 1;
  const publicUrl = `http://localhost:${webPort}`;
  const LIMIT = 3;
  let app: ChildProcess | undefined;
  let dataDir: string;

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    dataDir = mkdtempSync(join(tmpdir(), "todo-e2e-addresses-"));
    app = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      cwd: join(import.meta.dirname, ".."),
      env: {
        ...process.env,
        PORT: String(apiPort),
        WEB_PORT: String(webPort),
        PUBLIC_URL: publicUrl,
        DATA_DIR: dataDir,
        DATABASE_URL: "",
        LOG_LEVEL: "warn",
        NEXT_DIST_DIR: process.env.E2E_DIST_DIR ?? ".next-e2e",
        SIGN_IN_RATE_LIMIT_MAX: String(LIMIT),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk;
        if (output.includes("Open http")) resolve();
      };
      app?.stdout?.on("data", read);
      app?.stderr?.on("data", read);
      app?.on("exit", (code) => reject(new Error(`the app exited (${code}):\n${output}`)));
    });
  });

  test.afterAll(async () => {
    if (app && app.exitCode === null) {
      const exited = new Promise((resolve) => app?.on("exit", resolve));
      app.kill("SIGTERM");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Before the limit tests: they use up this machine's sign-up attempts.
  test("a page opened at another address says which one to open", async ({ page }) => {
    await signUpAt(page, `http://127.0.0.1:${webPort}`);
    await expect(page.locator(".form-error")).toHaveText(
      `This page is open at http://127.0.0.1:${webPort}, an address this app does not accept. Open ${publicUrl} instead.`,
      { timeout: 15_000 },
    );
  });

  for (const [path, refused] of [
    ["/api/auth/sign-in/email", 401],
    ["/api/auth/sign-up/email", 200],
  ] as const) {
    test(`spoofed forwarding headers through the web app still hit the per-address limit of ${path}`, async () => {
      const client = await httpClient.newContext({ extraHTTPHeaders: { Origin: publicUrl } });
      const statuses: number[] = [];
      for (let i = 1; i <= LIMIT + 1; i++) {
        const address = `198.51.100.${i}`;
        const response = await client.post(`http://127.0.0.1:${webPort}${path}`, {
          headers: {
            "X-Forwarded-For": address,
            Forwarded: `for=${address}`,
            "X-Real-IP": address,
          },
          data: { email: newEmail("spoof"), password: PASSWORD },
        });
        statuses.push(response.status());
      }
      await client.dispose();
      // All from this machine, whatever the headers say: past the limit (the page test above
      // used one attempt too), the answer is 429. Before the fix each "address" had its own count.
      expect(statuses[0]).toBe(refused);
      expect(statuses.at(-1)).toBe(429);
    });
  }
});
