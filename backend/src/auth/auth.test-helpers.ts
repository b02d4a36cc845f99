// Shared by the sign-in tests (auth.*.test.ts): accounts made through the real sign-up.
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { Browser } from "../../test/browser.ts";
import { type ServedApp, uniqueEmail } from "../../test/helpers.ts";
import { users } from "../db/schema.ts";

export const PASSWORD = "a long unusual passphrase 42";

/** Browsers and accounts on the app that `app` serves. */
export function accountsOn(app: ServedApp) {
  const browser = () => new Browser(app.server.url);

  /** A new account, signed up (and so signed in) in a browser of its own. */
  async function signedUp(email = uniqueEmail(), password = PASSWORD) {
    const b = browser();
    const response = await b.signUp(email, password);
    expect(response.status).toBe(200);
    const { user } = (await response.json()) as { user: { id: string; email: string } };
    return { browser: b, user, email, password };
  }

  async function userIdOf(email: string) {
    const [row] = await app.database.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, email));
    return row?.id;
  }

  return { browser, signedUp, userIdOf };
}
