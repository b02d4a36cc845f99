import type { IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";

/**
 * The header through which we tell Better Auth the client's address. Any value a client sends in
 * it is replaced, so it cannot be spoofed.
 */
export const CLIENT_IP_HEADER = "x-todo-client-ip";

/**
 * The client's address: the socket's peer, or, when that peer is a trusted proxy (TRUSTED_PROXY),
 * the first untrusted address in X-Forwarded-For. Without TRUSTED_PROXY, X-Forwarded-For is
 * ignored, so a client cannot pick its own address to escape rate limits.
 */
export function createClientIpResolver(trustedProxies: string[]) {
  const trust = proxyaddr.compile(trustedProxies);
  return (incoming: IncomingMessage | undefined): string | undefined =>
    incoming?.socket.remoteAddress ? proxyaddr(incoming, trust) : undefined;
}
