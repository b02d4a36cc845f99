// Settings that the API and the web app's server both read: their default ports and the syntax
// of a trusted-proxy list. Server code only: nothing in the browser imports this module (it pulls
// in proxy-addr, a Node package).
import proxyaddr from "proxy-addr";
import { z } from "./zod.ts";

/** The API's port when PORT is unset. */
export const DEFAULT_API_PORT = 8000;

/** The web app's port when WEB_PORT is unset. */
export const DEFAULT_WEB_PORT = 3000;

/** "a, b,,c" → ["a", "b", "c"]: a list in one environment variable. */
export const commaList = z.string().transform((s) =>
  s
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean),
);

/**
 * Proxies whose X-Forwarded-For is believed, in proxy-addr's syntax (Express's trust proxy): the
 * API's TRUSTED_PROXY and the web app's WEB_TRUSTED_PROXY.
 */
export const trustedProxyList = commaList.refine((list) => {
  try {
    proxyaddr.compile(list);
    return true;
  } catch {
    return false;
  }
}, 'must be a comma-separated list of IP addresses, CIDR ranges, or "loopback", "linklocal", "uniquelocal"');
