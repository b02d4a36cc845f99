import type { HttpBindings } from "@hono/node-server";

/** The signed-in user, as `requireUser` puts it on the context (from a session or a JWT). */
export interface AuthUser {
  id: string;
  email: string;
}

/** The Hono environment of this app: Node's request objects, and what middleware sets. */
export interface AppEnv {
  Bindings: HttpBindings;
  Variables: { user: AuthUser };
}
