// The browser's /api/* goes to the backend through here, so the session cookie stays first-party
// and nothing needs CORS. BACKEND_URL is read when the server starts, not baked in at build time.
// X-Forwarded-For is passed on as frontend/server.ts set it: the address this server saw (or a
// trusted proxy reported), never one the client wrote, which the API's rate limits rely on.
import { PROBLEM_CONTENT_TYPE, problemBody } from "@todo/contract/problem";
import type { NextRequest } from "next/server";
import { env } from "@/env";

const backendUrl = env.BACKEND_URL;

// Hop-by-hop headers belong to one connection and must not be passed on (RFC 9110 §7.6.1).
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "host",
];

async function forward(request: NextRequest): Promise<Response> {
  const { pathname, search } = request.nextUrl;
  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  let response: Response;
  try {
    response = await fetch(`${backendUrl}${pathname}${search}`, {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      // @ts-expect-error: Node's fetch needs this to stream a request body; the DOM types lack it.
      duplex: "half",
      redirect: "manual",
      cache: "no-store",
      // The browser went away: so does the request to the API (an event stream would stay open).
      signal: request.signal,
    });
  } catch {
    return Response.json(
      problemBody(502, { detail: "The API server is not answering. Try again in a moment." }),
      { status: 502, headers: { "Content-Type": PROBLEM_CONTENT_TYPE } },
    );
  }
  const out = new Headers(response.headers);
  // fetch has already decoded the body, so its original encoding and length no longer apply.
  out.delete("content-encoding");
  out.delete("content-length");
  for (const name of HOP_BY_HOP) out.delete(name);
  return new Response(response.body, { status: response.status, headers: out });
}

export const dynamic = "force-dynamic";
export {
  forward as DELETE,
  forward as GET,
  forward as HEAD,
  forward as OPTIONS,
  forward as PATCH,
  forward as POST,
  forward as PUT,
};
