// Shared by the tasks API tests (tasks.*.test.ts): users signed up over real HTTP whose every
// request is checked against the OpenAPI document, and the checks of an error response.

import type { Problem } from "@todo/contract/problem";
import { beforeAll, expect } from "vitest";
import { Browser } from "../../test/browser.ts";
import { expectMatchesContract } from "../../test/contract.ts";
import { uniqueEmail, useTestServer } from "../../test/helpers.ts";
import type { Task } from "../db/schema.ts";

/** The caller's own tasks. */
export const TASKS = "/api/me/tasks";
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

type Call = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Response>;

export interface ApiUser {
  id: string;
  token: string;
  /**
   * A request with this user's bearer token (a body is sent as JSON), its response checked
   * against the OpenAPI document.
   */
  call: Call;
  /**
   * The same request, its response not checked: for the requests the document does not describe
   * (an unknown route, a wrong method).
   */
  send: Call;
  /** Creates a task (expecting 201) and returns it. */
  create: (fields?: Record<string, unknown>) => Promise<Task>;
  /** GETs a task (expecting 200). */
  get: (id: number) => Promise<Task>;
  /** The items of GET /api/me/tasks?<query> (expecting 200). */
  list: (query?: string) => Promise<Task[]>;
}

/** Signs a new user up on the server at `baseUrl`, and exchanges the session cookie for a token. */
export async function newApiUser(baseUrl: string): Promise<ApiUser> {
  const browser = new Browser(baseUrl);
  const signUp = await browser.signUp(uniqueEmail("tasks"));
  expect(signUp.status).toBe(200);
  const { user } = (await signUp.json()) as { user: { id: string } };
  const tokenResponse = await browser.get("/api/auth/token");
  expect(tokenResponse.status).toBe(200);
  const { token } = (await tokenResponse.json()) as { token: string };

  const send: Call = (method, path, body, headers = {}) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const call: Call = async (method, path, body, headers) => {
    const response = await send(method, path, body, headers);
    await expectMatchesContract(method, `${baseUrl}${path}`, response);
    return response;
  };
  const create = async (fields: Record<string, unknown> = {}) => {
    const response = await call("POST", TASKS, { title: "a task", ...fields });
    expect(response.status).toBe(201);
    return (await response.json()) as Task;
  };
  const get = async (id: number) => {
    const response = await call("GET", `${TASKS}/${id}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Task;
  };
  const list = async (query = "") => {
    const response = await call("GET", `${TASKS}?${query}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: Task[]; next_cursor: string | null };
    return page.items;
  };
  return { id: user.id, token, call, send, create, get, list };
}

/**
 * The tasks API for the tests of the calling file: the app served on a database of its own, and
 * users signed up on it.
 */
export function useTasksApi() {
  const app = useTestServer();
  /** Signs a new user up, on this file's server or the one at `baseUrl`. */
  const newUser = (baseUrl = app.server.url) => newApiUser(baseUrl);
  /** A user signed up before the tests of the calling describe block, which share it. */
  const useUser = (): ApiUser => {
    let user: ApiUser | undefined;
    beforeAll(async () => {
      user = await newUser();
    });
    const signedUp = () => {
      if (!user) throw new Error("useUser: used before its beforeAll ran");
      return user;
    };
    return {
      get id() {
        return signedUp().id;
      },
      get token() {
        return signedUp().token;
      },
      call: (...request) => signedUp().call(...request),
      send: (...request) => signedUp().send(...request),
      create: (fields) => signedUp().create(fields),
      get: (id) => signedUp().get(id),
      list: (query) => signedUp().list(query),
    };
  };
  return { app, newUser, useUser };
}

export const idsOf = (tasks: Task[]) => tasks.map((task) => task.id);

type ProblemBody = Problem & { task?: Task };

/** Text that must never reach a client: stack traces, SQL, driver messages. */
const LEAKS = ["stack", "SELECT", "select ", "relation", "violates"];

/** Checks an RFC 9457 problem response with this status that leaks nothing, and returns its body. */
export async function expectProblem(response: Response, status: number): Promise<ProblemBody> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  const text = await response.text();
  for (const leak of LEAKS) expect(text).not.toContain(leak);
  expect(text).not.toMatch(/\bat \S+ \(|\bat \S+:\d+:\d+|\n\s+at /); // stack frames
  const body = JSON.parse(text) as ProblemBody;
  expect(body).toMatchObject({ type: "about:blank", status });
  expect(typeof body.title).toBe("string");
  return body;
}

/** A 422 whose `errors` name `path`. */
export async function expectInvalid(response: Response, path: string): Promise<ProblemBody> {
  const body = await expectProblem(response, 422);
  expect(body.errors?.map((error) => error.path)).toContain(path);
  return body;
}

export const isoInstant = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
