import { createHash } from "node:crypto";
import type { Db } from "./client.ts";

// Prepared statements per database handle (each handle has its own connections).
const statements = new WeakMap<Db, Map<string, unknown>>();

/** A short, unique statement name for `key` (Postgres keeps 63 bytes of a name). */
export const statementName = (key: string) =>
  `q_${createHash("sha256").update(key).digest("hex").slice(0, 24)}`;

/**
 * The statement `prepare` makes for `key`, made once per database handle. Postgres plans a
 * prepared statement once per connection instead of on every call; for our list queries planning
 * costs more than running them. `prepare` gets the name from `statementName`.
 */
export function prepared<T>(db: Db, key: string, prepare: (name: string) => T): T {
  let forDb = statements.get(db);
  if (!forDb) {
    forDb = new Map();
    statements.set(db, forDb);
  }
  let statement = forDb.get(key) as T | undefined;
  if (statement === undefined) {
    statement = prepare(statementName(key));
    forDb.set(key, statement);
  }
  return statement;
}
