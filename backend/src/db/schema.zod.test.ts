// The Zod schemas derived from the tables (drizzle-zod): what a request body may hold, and how each
// refusal is explained.
import { describe, expect, it } from "vitest";
import { insertTaskSchema, insertUserSchema, patchTaskSchema } from "./schema.ts";

/** The issues of a failed parse as "path: message" lines, the way an API would report them. */
function problems(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string; code: string; keys?: string[] }[] };
}) {
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((issue) =>
    issue.code === "unrecognized_keys"
      ? `${issue.keys?.join(",")}: not allowed`
      : `${issue.path.join(".")}: ${issue.message}`,
  );
}

describe("Zod schemas derived from the tables", () => {
  it("accepts a minimal and a full valid task, trimming and de-duplicating", () => {
    expect(insertTaskSchema.parse({ title: "  Buy milk  " })).toEqual({ title: "Buy milk" });
    expect(
      insertTaskSchema.parse({
        title: "Write report",
        description: "Line one\nLine two\twith a tab",
        is_completed: false,
        priority: "high",
        due_at: "2026-12-01T09:00:00+01:00",
        tags: [" work ", "work", "q4"],
        position: 1.5,
      }),
    ).toEqual({
      title: "Write report",
      description: "Line one\nLine two\twith a tab",
      is_completed: false,
      priority: "high",
      due_at: "2026-12-01T08:00:00Z", // as UTC: Postgres refuses some RFC 3339 offsets
      tags: ["work", "q4"],
      position: 1.5,
    });
  });

  it.each([
    ["id", 1],
    ["user_id", "00000000-0000-4000-8000-000000000000"],
    ["version", 7],
    ["created_at", "2026-01-01T00:00:00Z"],
    ["updated_at", "2026-01-01T00:00:00Z"],
    ["completed_at", "2026-01-01T00:00:00Z"],
    ["owner", "me"],
  ])("refuses the client-owned or unknown field %s, naming it", (field, value) => {
    expect(problems(insertTaskSchema.safeParse({ title: "t", [field]: value }))).toEqual([
      `${field}: not allowed`,
    ]);
    expect(problems(patchTaskSchema.safeParse({ [field]: value }))).toContain(
      `${field}: not allowed`,
    );
  });

  it("explains each invalid field by its path", () => {
    expect(
      problems(
        insertTaskSchema.safeParse({
          title: "   ",
          description: "x".repeat(5001),
          priority: "urgent",
          due_at: "tomorrow",
          tags: ["ok", ""],
          is_completed: "yes",
        }),
      ),
    ).toEqual([
      "title: title is required",
      "description: description has at most 5000 characters",
      expect.stringMatching(/^is_completed: /),
      expect.stringMatching(/^priority: /),
      expect.stringMatching(/^due_at: /),
      "tags.1: a tag cannot be empty",
    ]);
  });

  it.each([
    ["missing", {}],
    ["empty", { title: "" }],
    ["blank", { title: " \t " }],
    ["201 characters", { title: "x".repeat(201) }],
    ["with a NUL byte", { title: "a\u0000b" }],
    ["with a line break", { title: "a\nb" }],
  ])("refuses a title that is %s", (_, body) => {
    expect(problems(insertTaskSchema.safeParse(body))[0]).toMatch(/^title: /);
  });

  it("refuses more than 20 tags and a tag over 32 characters", () => {
    const many = Array.from({ length: 21 }, (_, i) => `t${i}`);
    expect(problems(insertTaskSchema.safeParse({ title: "t", tags: many }))).toEqual([
      "tags: at most 20 tags",
    ]);
    expect(problems(insertTaskSchema.safeParse({ title: "t", tags: ["x".repeat(33)] }))).toEqual([
      "tags.0: a tag has at most 32 characters",
    ]);
  });

  it("makes every field optional in a patch but refuses an empty one", () => {
    expect(patchTaskSchema.parse({ is_completed: true })).toEqual({ is_completed: true });
    expect(patchTaskSchema.parse({ due_at: null })).toEqual({ due_at: null });
    expect(problems(patchTaskSchema.safeParse({}))).toEqual([
      ": send at least one field to change",
    ]);
  });

  it("normalises a new user's email and refuses server-owned user fields", () => {
    expect(insertUserSchema.parse({ name: "Ada", email: "  Ada@Example.COM " })).toEqual({
      name: "Ada",
      email: "ada@example.com",
    });
    expect(problems(insertUserSchema.safeParse({ name: "Ada", email: "not-an-email" }))).toEqual([
      "email: must be an email address",
    ]);
    expect(problems(insertUserSchema.safeParse({ name: "Ada", email: "a@b.co", id: "x" }))).toEqual(
      ["id: not allowed"],
    );
  });
});
