// The browser's only door to the API: same-origin fetches through the web app's /api proxy, with
// every error turned into an ApiError whose message can be shown to the user as it is. Calls to
// the tasks API go through `client`, typed by the API's own OpenAPI document (api-schema.ts, generated);
// Better Auth's endpoints, which that document does not describe, go through `authRequest`.
import type { FieldError, Problem } from "@todo/contract/problem";
import createClient from "openapi-fetch";
import type { components, paths } from "./api-schema";
import { ownRequestId } from "./own-changes";
import { reportSessionEnded } from "./session";

type Schemas = components["schemas"];
export type Task = Schemas["Task"];
export type TaskChanges = Schemas["TaskChanges"];
export type TaskPage = Schemas["TaskList"];
export type TaskStats = Schemas["TaskStats"];
export type BulkRequest = Schemas["BulkRequest"];
export type Change = Schemas["Change"];
export type { FieldError };

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Better Auth's error code (e.g. INVALID_EMAIL_OR_PASSWORD), when there is one. */
    readonly code: string | undefined,
    readonly fieldErrors: FieldError[] = [],
    /** Seconds to wait, from Retry-After, on a 429. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

const FALLBACK: Record<number, string> = {
  401: "Your session has ended. Sign in again.",
  404: "That task no longer exists.",
  429: "Too many requests. Wait a moment and try again.",
};

/**
 * An error answer (a problem+json body, or none) as an ApiError. Better Auth's (/api/auth/*) also
 * carry its `code`, and its `message`: the same text as the detail.
 */
export function apiError(response: Response, body: unknown): ApiError {
  const problem = (typeof body === "object" && body !== null ? body : {}) as Partial<Problem> & {
    message?: string;
  };
  const retryAfter = Number(response.headers.get("Retry-After")) || undefined;
  const fieldErrors = problem.errors ?? [];
  let message =
    problem.message ??
    problem.detail ??
    fieldErrors.map((e) => `${e.path}: ${e.message}`).join("; ") ??
    "";
  // The API's own 401 ("sign in, or send a bearer token") speaks to programs, not to people.
  // Better Auth's 401s carry a code and say something true for this person (wrong password).
  if (!message || (response.status === 401 && !problem.code)) {
    message = FALLBACK[response.status] ?? `The server answered ${response.status}.`;
  }
  // No "try again in N seconds" here: a sentence fixed now is wrong a second later, and the server
  // may already say "try again later". The UI counts `retryAfter` down (retry-countdown.tsx).
  return new ApiError(message, response.status, problem.code, fieldErrors, retryAfter);
}

/** Reads an error response's body into an ApiError. */
export async function toApiError(response: Response): Promise<ApiError> {
  return apiError(response, await response.json().catch(() => ({})));
}

const unreachable = () =>
  new ApiError("Can't reach the server. Check your connection and try again.", 0, undefined);

/** Throws the ApiError of a failed answer; every signed-in request's 401 ends the session here. */
function failed(error: ApiError, signedOut: boolean | undefined): never {
  // No action can fail silently on an ended session: the page goes to sign in (see session.ts),
  // whoever made the request.
  if (error.status === 401 && !signedOut) reportSessionEnded();
  throw error;
}

/** The tasks API, typed from its OpenAPI document; use with `data()`. */
export const client = createClient<paths>({ credentials: "same-origin" });

// Every change this tab makes carries an id of its own (unless the caller chose one), so the
// event stream can tell this tab's changes from everyone else's (lib/own-changes.ts).
client.use({
  onRequest({ request }) {
    if (request.method !== "GET" && !request.headers.has("X-Request-Id")) {
      request.headers.set("X-Request-Id", ownRequestId());
    }
    return request;
  },
});

/**
 * The data of a typed call, or an ApiError: `await data(client.GET("/api/{user_id}/tasks", …))`.
 */
export async function data<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: Awaited<typeof call>;
  try {
    result = await call;
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw unreachable();
  }
  if (!result.response.ok) failed(apiError(result.response, result.error), false);
  return result.data as T;
}

/** A request to Better Auth (`/api/auth/*`), JSON in and out. */
export async function authRequest<T>(
  path: `/api/auth/${string}`,
  init: Omit<RequestInit, "body"> & {
    body?: unknown;
    /** Made signed out (signing in or up): a 401 is about the credentials, not a session. */
    signedOut?: boolean;
  } = {},
): Promise<T> {
  const { signedOut, ...request } = init;
  const headers = new Headers(request.headers);
  let body: BodyInit | undefined;
  if (request.body !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(request.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { ...request, headers, body, credentials: "same-origin" });
  } catch {
    throw unreachable();
  }
  if (!response.ok) failed(await toApiError(response), signedOut);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
