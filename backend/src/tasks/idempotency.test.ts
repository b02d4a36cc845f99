import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, databaseKind, openTestDatabase } from "../../test/helpers.ts";
import type { Database } from "../db/client.ts";
import { insertTaskSchema, tasks } from "../db/schema.ts";
import { hashRequest, idempotent } from "./idempotency.ts";
import { createTask } from "./tasks.service.ts";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database?.close());

describe(`idempotent creation (${databaseKind})`, () => {
  it("a request that fails after inserting its task leaves no task and frees the key for a retry", async () => {
    const { db } = database;
    const user = await createUser(db);
    const input = insertTaskSchema.parse({ title: "exactly once" });
    const hash = hashRequest(input);
    const createThen = (fail: boolean) => async (tx: typeof db) => {
      const task = await createTask(tx, { userId: user.id }, input);
      if (fail) throw new Error("the process dies before answering");
      return { status: 201, body: task };
    };

    await expect(idempotent(db, user.id, "key-1", hash, createThen(true))).rejects.toThrow("dies");
    expect(await db.select().from(tasks).where(eq(tasks.user_id, user.id))).toEqual([]);

    const retry = await idempotent(db, user.id, "key-1", hash, createThen(false));
    expect(retry.outcome).toBe("fresh");
    const again = await idempotent(db, user.id, "key-1", hash, createThen(false));
    expect(again).toEqual({
      outcome: "replayed",
      response: retry.outcome === "fresh" ? retry.response : undefined,
    });
    expect(await db.select().from(tasks).where(eq(tasks.user_id, user.id))).toHaveLength(1);
  });
});
