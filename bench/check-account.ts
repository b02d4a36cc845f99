// The account both equivalence checks (baseline-raw/check.ts, seed-stack/check.ts) act as: signed
// up through our API, with a JWT from it, as any API client gets one.

/** Signs up a new account on our API at `base`; answers its bearer JWT and user id. */
export async function signUpForToken(base: string): Promise<{ token: string; userId: string }> {
  const signUp = await fetch(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { Origin: "http://localhost:3000", "Content-Type": "application/json" },
    body: JSON.stringify({ email: "check@example.test", password: "check passphrase 12345" }),
  });
  if (!signUp.ok) throw new Error(`sign-up: ${signUp.status} ${await signUp.text()}`);
  const cookie = signUp.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await fetch(`${base}/api/auth/token`, { headers: { Cookie: cookie } });
  if (!response.ok) throw new Error(`token: ${response.status} ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  const { sub } = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as {
    sub: string;
  };
  return { token, userId: sub };
}
