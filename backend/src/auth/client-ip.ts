import type { IncomingMessage } from "node:http";
import { isIPv6 } from "node:net";
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

/** Address key for a client whose address is not known (no socket: in-process requests). */
const UNKNOWN_CLIENT = "unknown";

/**
 * The part of a client's address that one client controls, for counting its attempts: an IPv4
 * address as it is, but an IPv6 address by its /64 prefix, since a single subscriber is routed a
 * whole /64 and can pick a new address in it for every request. An IPv4-mapped IPv6 address
 * (::ffff:192.0.2.1, as a dual-stack socket reports IPv4 peers) is the IPv4 address.
 */
export function clientNetwork(ip: string | undefined): string {
  if (!ip) return UNKNOWN_CLIENT;
  const address = ip.replace(/%.*$/, "").toLowerCase(); // without a zone (fe80::1%eth0)
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head = "", tail] = address.split("::");
  const groupsOf = (part: string | undefined) =>
    part ? part.split(":").flatMap((g) => (g.includes(".") ? ["0", "0"] : [g])) : [];
  const left = groupsOf(head);
  const right = groupsOf(tail);
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  const prefix = groups.slice(0, 4).map((g) => Number.parseInt(g, 16).toString(16));
  return `${prefix.join(":")}::/64`;
}
