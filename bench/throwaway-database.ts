// Benchmarks never touch a server's own databases: each gets a database of its own, dropped after.
import { randomBytes } from "node:crypto";
import pg from "pg";

/** Runs `fn` with the URL of a new, empty database on the server at `serverUrl`, then drops it. */
export async function withThrowawayDatabase<T>(
  serverUrl: string,
  fn: (url: string) => Promise<T>,
): Promise<T> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const name = `todo_bench_${randomBytes(4).toString("hex")}`;
  await admin.query(`create database "${name}"`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return await fn(url.toString());
  } finally {
    await admin.query(`drop database "${name}" with (force)`);
    await admin.end();
  }
}
