/**
 * What a refused Origin is told: where the page is open, and which address to open instead (the
 * first trusted origin, the app's public address). Better Auth's own "Invalid origin" says
 * neither, and the web app's forms show this text as it is.
 */
export function untrustedOriginMessage(origin: string | undefined, trustedOrigins: string[]) {
  const where =
    origin && origin !== "null"
      ? `This page is open at ${origin}, an address this app does not accept`
      : "This request does not say which page it comes from (no Origin header)";
  const instead = trustedOrigins[0];
  return instead ? `${where}. Open ${instead} instead.` : `${where}.`;
}
