// How the spec-driven fuzzer judges a response (declared by the document, refused when invalid,
// leaking nothing), and what it learns from one (each user's tasks, cursors, Idempotency-Key).
import type { createResponseChecker } from "../openapi-document.ts";
import type { FuzzRequest, FuzzUser, Sent } from "./fuzz-requests.ts";
import { pathOf } from "./fuzz-requests.ts";
import { findLeaks } from "./leaks.ts";

/** What a valid request may be answered: done, or refused for the state it met (no such task, stale). */
export const VALID_STATUSES = new Set([200, 201, 204, 304, 404, 409, 412]);

export function redact(text: string, users: readonly FuzzUser[]): string {
  let out = text;
  for (const u of users) {
    if (u.token) out = out.replaceAll(u.token, `<JWT ${u.key}>`);
    if (u.sessionToken) out = out.replaceAll(u.sessionToken, `<session ${u.key}>`);
  }
  return out;
}

export function describeRequest(r: FuzzRequest, users: readonly FuzzUser[]): string {
  const body = r.body ? r.body.bytes.toString("utf8") : "";
  const shown = body.length > 300 ? `${body.slice(0, 300)}… (${r.body?.bytes.length} bytes)` : body;
  const headers = JSON.stringify(r.headers);
  return redact(
    `user ${r.as.key} ${r.op.method} ${pathOf(r).slice(0, 300)} [${r.kind}: ${r.why}] auth=${r.auth}${
      r.noOrigin ? " (no Origin)" : ""
    }${r.chunked ? " chunked" : ""} headers=${headers.length > 300 ? `${headers.slice(0, 300)}…` : headers}` +
      (r.body ? ` content-type=${JSON.stringify(r.body.contentType)} body=${shown}` : ""),
    users,
  );
}

export interface Finding {
  request: string;
  response: string;
  problems: string[];
}

/** Everything wrong with one response. */
export function judge(
  request: FuzzRequest,
  sent: Sent,
  check: ReturnType<typeof createResponseChecker>,
  other: FuzzUser,
): string[] {
  const problems: string[] = [];
  if (sent.status >= 500) problems.push(`server error ${sent.status}`);
  problems.push(...check(request.op, sent));
  if (request.kind === "invalid" && !(sent.status >= 400 && sent.status < 500)) {
    problems.push(`an invalid request was not refused with a 4xx (${sent.status})`);
  }
  if (request.kind === "valid" && sent.status < 500 && !VALID_STATUSES.has(sent.status)) {
    problems.push(`a valid request was refused (${sent.status})`);
  }
  const me = request.as;
  problems.push(
    ...findLeaks(sent, {
      forbidden: [
        { label: "the other user's marker", text: other.marker },
        { label: "the other user's id", text: other.id },
        { label: "the other user's email", text: other.email },
        { label: "the other user's JWT", text: other.token },
        { label: "the other user's session token", text: other.sessionToken },
        { label: "the caller's JWT", text: me.token },
        { label: "the caller's session token", text: me.sessionToken },
      ],
    }),
  );
  return problems;
}

export interface TaskLike {
  id: number;
  version: number;
}
export const isTask = (v: unknown): v is TaskLike =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as TaskLike).id === "number" &&
  typeof (v as TaskLike).version === "number";

/** Keeps each user's view of their tasks, cursors and last Idempotency-Key up to date. */
export function observe(request: FuzzRequest, sent: Sent): void {
  const user = request.as;
  let body: unknown;
  try {
    body = sent.body ? JSON.parse(sent.body) : undefined;
  } catch {
    return;
  }
  const ownPath = request.pathParams.user_id === "me" || request.pathParams.user_id === user.id;
  if (!ownPath) return;
  if (sent.status === 200 || sent.status === 201) {
    if (isTask(body)) user.tasks.set(body.id, body.version);
    const list = body as { items?: unknown[]; next_cursor?: string | null };
    if (Array.isArray(list.items)) {
      for (const item of list.items) if (isTask(item)) user.tasks.set(item.id, item.version);
      if (typeof list.next_cursor === "string" && request.kind === "valid") {
        const query = new URLSearchParams(request.query.filter(([k]) => k !== "cursor")).toString();
        user.cursors.unshift({ op: request.op.id, query, cursor: list.next_cursor });
        user.cursors.length = Math.min(user.cursors.length, 20);
      }
    }
    const bulk = body as { action?: string; ids?: number[] };
    if (bulk.action === "delete" && Array.isArray(bulk.ids))
      for (const id of bulk.ids) user.tasks.delete(id);
    if (
      sent.status === 201 &&
      request.kind === "valid" &&
      request.headers["idempotency-key"] &&
      request.body
    ) {
      user.lastIdempotent = {
        key: request.headers["idempotency-key"],
        body: request.body.bytes.toString(),
      };
    }
  }
  if (sent.status === 412) {
    const task = (body as { task?: unknown }).task;
    if (isTask(task)) user.tasks.set(task.id, task.version);
  }
  if (request.taskId !== undefined && (sent.status === 204 || sent.status === 404)) {
    user.tasks.delete(request.taskId);
  }
}

/** A small seeded generator for the schedule (fast-check seeds the requests themselves). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
