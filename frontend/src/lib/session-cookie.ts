/** Whether the request carries Better Auth's session cookie (plain or `__Secure-` prefixed). It
 * says nothing about the session being valid; only the API can tell that. */
export const hasSessionCookie = (cookies: { name: string; value: string }[]) =>
  cookies.some((c) => c.name.endsWith("better-auth.session_token") && c.value !== "");
