// The browser's only door to the API: same-origin fetches through the web app's /api proxy, with
// every error turned into an ApiError whose message can be shown to the user as it is.
import { reportSessionEnded } from "./session";

export const PRIORITIES = ["none", "low", "medium", "high"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** A task as the API returns it (backend/src/db/schema.ts, `selectTaskSchema`). */
export interface Task {
  id: number;
  title: string;
  description: string;
  is_completed: boolean;
  completed_at: string | null;
  priority: Priority;
  due_at: string | null;
  tags: string[];
  position: number;
  version: number;
  created_at: string;
  updated_at: string;
}
export type TaskChanges = Partial<
  Pick<Task, "title" | "description" | "is_completed" | "priority" | "due_at" | "tags">
>;
export interface TaskPage {
  items: Task[];
  next_cursor: string | null;
}
export interface TaskStats {
  total: number;
  pending: number;
  completed: number;
  overdue: number;
}
export interface FieldError {
  path: string;
  message: string;
}

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
 * Reads a problem+json body into an ApiError. Better Auth's (/api/auth/*) also carry its `code`
 * and `message`; the message is the same text as the detail.
 */
export async function toApiError(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as {
    code?: string;
    message?: string;
    detail?: string;
    title?: string;
    errors?: FieldError[];
  };
  const retryAfter = Number(response.headers.get("Retry-After")) || undefined;
  const fieldErrors = body.errors ?? [];
  let message =
    body.message ??
    body.detail ??
    fieldErrors.map((e) => `${e.path}: ${e.message}`).join("; ") ??
    "";
  // The API's own 401 ("sign in, or send a bearer token") speaks to programs, not to people.
  // Better Auth's 401s carry a code and say something true for this person (wrong password).
  if (!message || (response.status === 401 && !body.code)) {
    message = FALLBACK[response.status] ?? `The server answered ${response.status}.`;
  }
  // No "try again in N seconds" here: a sentence fixed now is wrong a second later, and the server
  // may already say "try again later". The UI counts `retryAfter` down (retry-countdown.tsx).
  return new ApiError(message, response.status, body.code, fieldErrors, retryAfter);
}

export async function api<T>(
  path: string,
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
    throw new ApiError(
      "Can't reach the server. Check your connection and try again.",
      0,
      undefined,
    );
  }
  if (!response.ok) {
    const error = await toApiError(response);
    // Every signed-in request goes through here, so no action can fail silently on an ended
    // session: the page goes to sign in (see session.ts), whoever made the request.
    if (error.status === 401 && !signedOut) reportSessionEnded();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
