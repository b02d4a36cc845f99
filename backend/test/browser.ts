// A minimal browser for tests: keeps cookies like a browser (name=value per origin, replaced on
// Set-Cookie, dropped on expiry) and sends the app's Origin on every request.
import { APP_ORIGIN } from "./helpers.ts";

export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    readonly origin: string = APP_ORIGIN,
  ) {}

  /** The Cookie header this browser would send. */
  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.origin ? { Origin: this.origin } : {}),
        ...(this.cookies.size ? { Cookie: this.cookieHeader } : {}),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = cookie.split(";");
      const [name = "", value = ""] = pair.split(/=(.*)/s);
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return response;
  }

  get = (path: string, headers?: Record<string, string>) =>
    this.request("GET", path, undefined, headers);
  post = (path: string, body: unknown = {}, headers?: Record<string, string>) =>
    this.request("POST", path, body, headers);

  /** Signs up (a fresh, valid, uncommon password unless given) and keeps the session cookie. */
  async signUp(email: string, password = "a long unusual passphrase 42", name?: string) {
    const response = await this.post("/api/auth/sign-up/email", {
      email,
      password,
      ...(name ? { name } : {}),
    });
    return response;
  }

  signIn(
    email: string,
    password = "a long unusual passphrase 42",
    headers?: Record<string, string>,
  ) {
    return this.post("/api/auth/sign-in/email", { email, password }, headers);
  }

  /** A copy holding the same cookies: another tab, or a thief with a copied cookie. */
  clone(): Browser {
    const copy = new Browser(this.baseUrl, this.origin);
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }
}
