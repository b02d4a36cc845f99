// Signing up and in: where a visitor is sent, what each refusal says and where, and the busy state.
import type { Page } from "@playwright/test";
import { createAccount, expect, hydrated, newEmail, PASSWORD, test } from "./fixtures.ts";

const emailField = (page: Page) => page.getByLabel("Email");
const passwordField = (page: Page) => page.getByLabel("Password", { exact: true });
const alert = (page: Page, text: string | RegExp) =>
  page.getByRole("alert").filter({ hasText: text });

async function openSignUp(page: Page) {
  await page.goto("/sign-up");
  await hydrated(page.getByRole("button", { name: "Create account" }));
}

async function fillSignIn(page: Page, email: string, password: string) {
  await hydrated(page.getByRole("button", { name: "Sign in" }));
  await emailField(page).fill(email);
  await passwordField(page).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test.describe("signed-out visitors", () => {
  for (const [wanted, next] of [
    ["/tasks", "%2Ftasks"],
    ["/settings", "%2Fsettings"],
    ["/tasks?status=active", "%2Ftasks%3Fstatus%3Dactive"],
  ] as const) {
    test(`${wanted} goes to sign-in, and back there after signing in`, async ({
      page,
      request,
      baseURL,
    }) => {
      const account = await createAccount(request, baseURL as string);
      await page.goto(wanted);
      await expect(page).toHaveURL(`/sign-in?next=${next}`);
      await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

      await fillSignIn(page, account.email, account.password);
      await expect(page).toHaveURL(wanted);
      if (wanted.startsWith("/settings")) {
        await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
        await expect(page.getByText(account.email)).toBeVisible();
      } else {
        await expect(page.getByRole("textbox", { name: "New task" })).toBeVisible();
      }
      if (wanted.includes("status=active")) {
        await expect(page.getByRole("link", { name: "Active" })).toHaveAttribute(
          "aria-current",
          "page",
        );
      }
    });
  }

  test("the landing page offers sign-up and sign-in", async ({ page }) => {
    await page.goto("/");
    const main = page.getByRole("main");
    await expect(main.getByRole("link", { name: "Create a free account" })).toHaveAttribute(
      "href",
      "/sign-up",
    );
    await expect(main.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/sign-in");
    await expect(main.getByRole("link", { name: "Open your tasks" })).toHaveCount(0);
    await main.getByRole("link", { name: "Create a free account" }).click();
    await expect(page).toHaveURL("/sign-up");
    await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
  });
});

test("the landing page offers the tasks to a signed-in visitor", async ({ page, account }) => {
  void account;
  await page.goto("/");
  const main = page.getByRole("main");
  await expect(main.getByRole("link", { name: "Open your tasks" })).toBeVisible();
  await expect(main.getByRole("link", { name: "Create a free account" })).toHaveCount(0);
  await expect(main.getByRole("link", { name: "Sign in" })).toHaveCount(0);
  await main.getByRole("link", { name: "Open your tasks" }).click();
  await expect(page).toHaveURL("/tasks");
});

test.describe("sign-up errors are shown next to the field", () => {
  test("an email that already has an account", async ({ page, request, baseURL }) => {
    const existing = await createAccount(request, baseURL as string, "taken");
    await openSignUp(page);
    await emailField(page).fill(existing.email);
    await passwordField(page).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(
      alert(page, "An account with this email already exists. Sign in instead."),
    ).toBeVisible();
    await expect(emailField(page)).toHaveAttribute("aria-invalid", "true");
    await expect(emailField(page)).toHaveAccessibleDescription(/already exists/);
    await expect(emailField(page)).toBeFocused();
    await expect(passwordField(page)).not.toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL("/sign-up");
  });

  test("a password shorter than 8 characters", async ({ page }) => {
    await openSignUp(page);
    await emailField(page).fill(newEmail("short"));
    await passwordField(page).fill("seven77");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(alert(page, "Use at least 8 characters.")).toBeVisible();
    await expect(passwordField(page)).toHaveAttribute("aria-invalid", "true");
    await expect(passwordField(page)).toHaveAccessibleDescription(/Use at least 8 characters\./);
    await expect(passwordField(page)).toBeFocused();
    await expect(emailField(page)).not.toHaveAttribute("aria-invalid", "true");
  });

  test("a common password, refused by the server", async ({ page, request, baseURL }) => {
    // The server is the one that knows the list: check that it refuses this one.
    const direct = await request.post("/api/auth/sign-up/email", {
      data: { email: newEmail("common-api"), password: "password1" },
      headers: { Origin: baseURL as string },
    });
    expect(direct.status()).toBe(400);
    expect(direct.headers()["content-type"]).toBe("application/problem+json");
    expect((await direct.json()).code).toBe("PASSWORD_TOO_COMMON");

    await openSignUp(page);
    await emailField(page).fill(newEmail("common"));
    await passwordField(page).fill("password1");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(alert(page, "list of commonly used passwords")).toBeVisible();
    await expect(passwordField(page)).toHaveAttribute("aria-invalid", "true");
    await expect(passwordField(page)).toHaveAccessibleDescription(/commonly used passwords/);
    await expect(passwordField(page)).toBeFocused();
    await expect(page).toHaveURL("/sign-up");
  });

  test("an invalid email address", async ({ page }) => {
    await openSignUp(page);
    await emailField(page).fill("not-an-email");
    await passwordField(page).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(alert(page, "Enter a valid email address, like name@example.com.")).toBeVisible();
    await expect(emailField(page)).toHaveAttribute("aria-invalid", "true");
    await expect(emailField(page)).toHaveAccessibleDescription(/Enter a valid email address/);
    await expect(emailField(page)).toBeFocused();
    await expect(page).toHaveURL("/sign-up");
  });
});

test.describe("sign-in errors", () => {
  test("a wrong password", async ({ page, request, baseURL }) => {
    const account = await createAccount(request, baseURL as string);
    await page.goto("/sign-in");
    await fillSignIn(page, account.email, "not the right password");
    await expect(alert(page, "Wrong email or password.")).toBeVisible();
    await expect(page).toHaveURL("/sign-in");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
  });

  test("an unknown email gets the same answer as a wrong password", async ({ page }) => {
    await page.goto("/sign-in");
    await fillSignIn(page, newEmail("nobody"), PASSWORD);
    await expect(alert(page, "Wrong email or password.")).toBeVisible();
    await expect(page).toHaveURL("/sign-in");
  });

  test("too many wrong passwords lock the account for a while", async ({
    page,
    request,
    baseURL,
  }) => {
    const account = await createAccount(request, baseURL as string, "locked");
    await page.goto("/sign-in");
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const answered = page.waitForResponse(
        (r) => r.url().endsWith("/api/auth/sign-in/email") && r.request().method() === "POST",
      );
      await fillSignIn(page, account.email, `wrong password ${attempt}`);
      statuses.push((await answered).status());
      await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
      // The user is told, before the lock, how many tries are left.
      if (attempt <= 4) {
        const left = 5 - attempt;
        await expect(
          alert(page, `Wrong email or password. ${left} ${left === 1 ? "try" : "tries"} left`),
        ).toBeVisible();
      }
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const locked = alert(
      page,
      /^Too many attempts\. Try again in (\d+ min \d\d s|\d+ seconds?)\.$/,
    );
    await expect(locked).toBeVisible();
    // One message, said once, whose seconds count down.
    await expect(page.locator(".form-error")).toHaveCount(1);
    expect((await locked.textContent())?.match(/try again/gi)).toHaveLength(1);
    const seconds = async () => {
      const m = (await locked.textContent())?.match(/in (?:(\d+) min (\d\d) s|(\d+) seconds?)/);
      return m?.[1] ? Number(m[1]) * 60 + Number(m[2]) : Number(m?.[3]);
    };
    const first = await seconds();
    expect(first).toBeGreaterThan(2);
    await expect.poll(seconds, { timeout: 4_000 }).toBeLessThanOrEqual(first - 2);

    // Locked: even the right password waits.
    await fillSignIn(page, account.email, account.password);
    await expect(alert(page, /Too many attempts/)).toBeVisible();
    await expect(page).toHaveURL("/sign-in");
  });
});

test("the submit button is disabled and says so while signing in", async ({
  page,
  request,
  baseURL,
}) => {
  const account = await createAccount(request, baseURL as string);
  // Hold the sign-in request until the busy state has been seen.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route("**/api/auth/sign-in/email", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/sign-in");
  await fillSignIn(page, account.email, account.password);
  const busy = page.getByRole("button", { name: "Signing in…" });
  await expect(busy).toBeVisible();
  await expect(busy).toBeDisabled();
  await expect(page.locator("form[aria-busy=true]")).toHaveCount(1);
  release();
  await expect(page).toHaveURL("/tasks");
});

test("the busy state shows on sign-up too", async ({ page }) => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route("**/api/auth/sign-up/email", async (route) => {
    await held;
    await route.continue();
  });
  await openSignUp(page);
  await emailField(page).fill(newEmail("busy"));
  await passwordField(page).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("button", { name: "Creating account…" })).toBeDisabled();
  release();
  await expect(page).toHaveURL("/tasks");
});

test("next cannot send the user to another site", async ({ page, request, baseURL }) => {
  const account = await createAccount(request, baseURL as string);
  for (const next of [
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
  ]) {
    await page.context().clearCookies();
    await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
    await fillSignIn(page, account.email, account.password);
    await page.waitForURL((url) => url.pathname === "/tasks");
    expect(new URL(page.url()).origin, next).toBe(baseURL);
    await expect(page.getByRole("textbox", { name: "New task" })).toBeVisible();
  }
  // Already signed in, the sign-in page passes the visitor on, to the app too.
  await page.goto("/sign-in?next=//evil.example");
  await expect(page).toHaveURL("/tasks");
});

// Issue 13: a tab or a line feed in `next` is dropped by the URL parser, so "/\t/evil.example"
// became "//evil.example" (another site) and "/\n/x" put a line break in a header (a 500).
const TRICKY_NEXT = [
  "/%09/evil.example",
  "/%0A/x",
  "/%0D%0A/evil.example",
  "/tasks/..//evil.example",
  "/tasks/%2e%2e//evil.example",
  "%2F%5C%09evil.example",
];

test("a next with a tab, a line feed or dot segments stays on this site", async ({
  page,
  request,
  baseURL,
}) => {
  const account = await createAccount(request, baseURL as string);
  for (const next of TRICKY_NEXT) {
    await page.context().clearCookies();
    await page.goto(`/sign-in?next=${next}`);
    await fillSignIn(page, account.email, account.password);
    await page.waitForURL((url) => url.pathname === "/tasks" && url.origin === baseURL);
    await expect(page.getByRole("textbox", { name: "New task" })).toBeVisible();
  }
});

test("a signed-in visitor is never sent to another site, nor answered 500", async ({
  page,
  account,
  baseURL,
}) => {
  void account;
  for (const next of TRICKY_NEXT) {
    const response = await page.request.get(`/sign-in?next=${next}`, { maxRedirects: 0 });
    expect(response.status(), next).toBeLessThan(500);
    const location = response.headers().location ?? "";
    expect(location, next).not.toBe("");
    expect(new URL(location, baseURL).origin, `${next} -> ${location}`).toBe(baseURL);
    expect(new URL(location, baseURL).pathname, next).toBe("/tasks");
  }
  // A good next is still followed, with its query.
  const good = await page.request.get(
    `/sign-in?next=${encodeURIComponent("/tasks?status=active")}`,
    {
      maxRedirects: 0,
    },
  );
  expect(new URL(good.headers().location ?? "", baseURL).href).toBe(
    `${baseURL}/tasks?status=active`,
  );
});

// On a slow network a person can type and press Enter before the page's script has run; the
// browser then submits the form itself. The password must not end up in the URL (history, logs).
test.describe("before the page's script has run", () => {
  test.use({ javaScriptEnabled: false });

  for (const [path, button] of [
    ["/sign-in", "Sign in"],
    ["/sign-up", "Create account"],
  ] as const) {
    test(`submitting ${path} does not put the password in the URL`, async ({ page }) => {
      const secret = "my secret passphrase";
      await page.goto(path);
      await page.getByLabel("Email").fill(newEmail("nojs"));
      await page.getByLabel("Password", { exact: true }).fill(secret);
      const navigated = page.waitForEvent("framenavigated");
      await page.getByRole("button", { name: button }).click();
      await navigated;
      const url = new URL(page.url());
      expect(url.search).not.toContain("password");
      expect(decodeURIComponent(url.search.replaceAll("+", " "))).not.toContain(secret);
    });
  }
});
