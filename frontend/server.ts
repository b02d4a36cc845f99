// The web app's HTTP server: Next.js, behind one step that decides who the client is.
//
// Next.js passes a client's own X-Forwarded-For (and Forwarded, X-Real-IP, X-Forwarded-Host…) on
// untouched and fills X-Forwarded-For from the socket only when it is absent; a route handler or a
// server component sees headers, never the socket. So a client could name any address, and the
// API, which trusts the web app, would rate-limit that address instead of the client's. Here, the
// one place that has the socket, the forwarding headers are replaced with what this server saw,
// before Next.js reads them: the /api proxy and the server-side fetches pass on a true address.
//
// Run by scripts/start.ts: node --import tsx server.ts [--dev] --port 3000 --hostname 127.0.0.1
import { createServer, type IncomingMessage } from "node:http";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_WEB_PORT } from "@todo/contract/settings";
import next from "next";
import proxyaddr from "proxy-addr";

const { values: args } = parseArgs({
  options: {
    dev: { type: "boolean", default: false },
    port: { type: "string", default: String(DEFAULT_WEB_PORT) },
    hostname: { type: "string", default: "127.0.0.1" },
  },
});
const port = Number(args.port);
const hostname = args.hostname;

// The settings, validated (src/env.ts): a bad one stops the start here, with its one-line reason.
const { env } = await import("./src/env").catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  return process.exit(1);
});

// A reverse proxy in front of the web app (nginx, a load balancer) is believed only when
// WEB_TRUSTED_PROXY names it (proxy-addr's syntax, as the API's TRUSTED_PROXY).
const trust = proxyaddr.compile(env.WEB_TRUSTED_PROXY);

// Headers through which a client could say where it is, or what it asked for, in our name.
const FROM_PROXY = ["x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"];
const NEVER_PASSED_ON = ["forwarded", "x-real-ip"];

function replaceForwardingHeaders(request: IncomingMessage) {
  const peer = request.socket.remoteAddress;
  // The client: the peer, or, behind a trusted proxy, the first untrusted address it reports.
  const client = peer ? proxyaddr(request, trust) : undefined;
  for (const name of NEVER_PASSED_ON) delete request.headers[name];
  // Host and scheme as a trusted proxy saw them are true; from anyone else Next.js fills them in.
  if (!peer || !trust(peer, 0)) for (const name of FROM_PROXY) delete request.headers[name];
  if (client) request.headers["x-forwarded-for"] = client;
  else delete request.headers["x-forwarded-for"];
}

const app = next({ dev: args.dev, dir: dirname(fileURLToPath(import.meta.url)), hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

createServer((request, response) => {
  replaceForwardingHeaders(request);
  void handle(request, response);
})
  .on("error", (error) => {
    console.error(`Cannot start the web app: ${error.message}`);
    process.exit(1);
  })
  .listen(port, hostname, () => {
    console.log(`Web app on http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`);
  });
