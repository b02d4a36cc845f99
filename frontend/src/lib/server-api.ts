// Server-side calls to the API during a page render, as the visitor: their cookie and address
// go along, so the API sees the same user and the same client it would see from the browser.
import { cookies, headers } from "next/headers";
import createClient from "openapi-fetch";
import { env } from "@/env";
import { apiError, toApiError } from "./api";
import type { paths } from "./api-schema";
import { hasSessionCookie } from "./session-cookie";

const backendUrl = env.BACKEND_URL;

/** The visitor's cookie and address, as the API is to see them. */
async function visitorHeaders(): Promise<Headers> {
  const [incoming, jar] = await Promise.all([headers(), cookies()]);
  const forwarded = new Headers({ Accept: "application/json" });
  const cookie = jar.toString();
  if (cookie) forwarded.set("Cookie", cookie);
  // Set by frontend/server.ts from the socket, not by the client.
  const clientIp = incoming.get("x-forwarded-for");
  if (clientIp) forwarded.set("X-Forwarded-For", clientIp);
  return forwarded;
}

/** The tasks API as the visitor, typed like the browser's `client` (lib/api.ts). */
export async function serverClient() {
  return createClient<paths>({
    baseUrl: backendUrl,
    headers: await visitorHeaders(),
    cache: "no-store",
  });
}

/** The data of a typed call, or an ApiError (no session report: this runs on the server). */
export async function serverData<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const result = await call;
  if (!result.response.ok) throw apiError(result.response, result.error);
  return result.data as T;
}

/** A Better Auth endpoint (not in the API's document) as the visitor. */
async function serverAuthRequest<T>(path: `/api/auth/${string}`): Promise<T> {
  const response = await fetch(`${backendUrl}${path}`, {
    headers: await visitorHeaders(),
    cache: "no-store",
  });
  if (!response.ok) throw await toApiError(response);
  return (await response.json()) as T;
}

/** The signed-in user, or null: decides whether a page shows or sends the visitor to sign in. */
export async function currentUser(): Promise<{ id: string; email: string; name: string } | null> {
  const jar = await cookies();
  if (!hasSessionCookie(jar.getAll())) return null;
  const session = await serverAuthRequest<{
    user: { id: string; email: string; name: string };
  } | null>("/api/auth/get-session").catch(() => null);
  return session?.user ?? null;
}

/** The visitor's time zone and locale, for dates rendered on the server as the browser would. */
export async function visitorFormat(): Promise<{ timeZone: string; locale: string }> {
  const [jar, incoming] = await Promise.all([cookies(), headers()]);
  const timeZone = jar.get("tz")?.value ?? "UTC";
  const locale = incoming.get("accept-language")?.split(",")[0]?.split(";")[0] ?? "en-US";
  try {
    new Intl.DateTimeFormat(locale, { timeZone });
    return { timeZone, locale };
  } catch {
    return { timeZone: "UTC", locale: "en-US" };
  }
}
