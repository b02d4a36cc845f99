// A WebSocket-to-TCP proxy: the protocol Neon's proxy speaks. The Neon driver opens
// ws://127.0.0.1:<port>/v2?address=host:port and sends raw Postgres wire bytes in binary messages;
// the proxy forwards them to the TCP server and back. It lets the Neon driver run, for real,
// against the test Postgres server.
import { type AddressInfo, connect } from "node:net";
import { neonConfig } from "@neondatabase/serverless";
import { afterAll, beforeAll } from "vitest";
import { WebSocketServer } from "ws";

export type ProxyState = "up" | "drop" | "blackhole";

export interface WsProxy {
  port: number;
  /** How many WebSocket connections it has accepted (proves traffic went through it). */
  connections: () => number;
  /**
   * "drop": closes every connection and refuses new ones (the server went away). "blackhole":
   * passes nothing either way and answers nothing (a network cut that closes nothing). "up":
   * normal again; connections stuck in the black hole are closed, as a peer's reset would.
   */
  setState: (state: ProxyState) => void;
  close: () => Promise<void>;
}

export async function startWsProxy(): Promise<WsProxy> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  let connections = 0;
  let state: ProxyState = "up";
  const stuck = new Set<{ terminate: () => void }>();
  server.on("connection", (socket, request) => {
    if (state === "drop") {
      socket.terminate();
      return;
    }
    connections++;
    const address = new URL(request.url ?? "/", "ws://proxy").searchParams.get("address") ?? "";
    const [host = "", port = "5432"] = address.split(":");
    const tcp = connect({ host, port: Number(port) });
    // Bytes may arrive before the TCP connection is up; net.Socket buffers writes until then.
    const pass = () => {
      if (state === "up") return true;
      stuck.add(socket);
      return false;
    };
    socket.on("message", (data: Buffer) => pass() && tcp.write(data));
    tcp.on("data", (data) => pass() && socket.send(data));
    socket.on("close", () => tcp.end());
    tcp.on("close", () => socket.close());
    tcp.on("error", () => socket.terminate());
    socket.on("error", () => tcp.destroy());
  });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    setState: (value) => {
      state = value;
      if (state === "drop") for (const client of server.clients) client.terminate();
      if (state === "up") for (const socket of stuck) socket.terminate();
      stuck.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/**
 * For a describe block: a proxy started before its tests with the Neon driver's connections sent
 * through it, both undone after. Answers the proxy (once the block's tests run).
 */
export function neonThroughProxy(): () => WsProxy {
  let proxy: WsProxy | undefined;
  const saved = {
    wsProxy: neonConfig.wsProxy,
    useSecureWebSocket: neonConfig.useSecureWebSocket,
    pipelineConnect: neonConfig.pipelineConnect,
  };
  beforeAll(async () => {
    const started = await startWsProxy();
    proxy = started;
    neonConfig.wsProxy = (host, port) => `127.0.0.1:${started.port}/v2?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    // Neon pipelines the password message with the start-up; the test server uses trust auth.
    neonConfig.pipelineConnect = false;
  });
  afterAll(async () => {
    Object.assign(neonConfig, saved);
    await proxy?.close();
  });
  return () => {
    if (!proxy) throw new Error("the proxy starts in beforeAll");
    return proxy;
  };
}
