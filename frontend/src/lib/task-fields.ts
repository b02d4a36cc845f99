// A task's fields checked with the API's own schemas (@todo/contract), so that the user is told at
// once, in words for the person typing, and text over a limit is kept for them to shorten instead
// of being cut.
import { taskFields } from "@todo/contract/tasks";

const count = (n: number) => n.toLocaleString("en-US");

/** The first problem the schema finds, as Zod reports it (the parts used here). */
interface Issue {
  code: string;
  message: string;
  origin?: string;
  maximum?: number | bigint;
  path: PropertyKey[];
}

function firstIssue(result: { success: boolean; error?: { issues: Issue[] } }): Issue | undefined {
  return result.success ? undefined : result.error?.issues[0];
}

/** The schema's own sentence, as a sentence: "title cannot contain …" → "Title cannot contain …." */
const sentence = (message: string) => `${message[0]?.toUpperCase()}${message.slice(1)}.`;

/**
 * "At most 200 characters (this has 230). …" for text over `max`. Lengths are UTF-16 units, as the
 * API's validation counts them; a title is measured trimmed, as it is saved.
 */
const tooLong = (length: number, max: number | bigint) =>
  `At most ${count(Number(max))} characters (this has ${count(length)}). Nothing was cut: shorten it to save.`;

/** Why the API would refuse this title, or undefined. An empty title is the caller's to handle. */
export function titleError(title: string): string | undefined {
  if (!title.trim()) return undefined;
  const issue = firstIssue(taskFields.title.safeParse(title));
  if (!issue) return undefined;
  return issue.code === "too_big" && issue.maximum !== undefined
    ? tooLong(title.trim().length, issue.maximum)
    : sentence(issue.message);
}

export function descriptionError(description: string): string | undefined {
  const issue = firstIssue(taskFields.description.safeParse(description));
  if (!issue) return undefined;
  return issue.code === "too_big" && issue.maximum !== undefined
    ? tooLong(description.length, issue.maximum)
    : sentence(issue.message);
}

export function tagsError(tags: string[]): string | undefined {
  const issue = firstIssue(taskFields.tags.safeParse(tags));
  if (!issue) return undefined;
  if (issue.code === "too_big" && issue.origin === "array") return `At most ${issue.maximum} tags.`;
  const tag = typeof issue.path[0] === "number" ? tags[issue.path[0]] : undefined;
  if (issue.code === "too_big" && tag !== undefined) {
    return `“${tag.trim()}” is longer than ${issue.maximum} characters.`;
  }
  return sentence(tag === undefined ? issue.message : `“${tag.trim()}”: ${issue.message}`);
}

// Letters of the scripts written right to left (the bidi classes R and AL).
const RTL_LETTER =
  /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\p{Script=Yezidi}]/u;

/**
 * The direction of `text` as `dir="auto"` decides it, by its first letter: for the parts of a row
 * that must follow the title's direction (its detail line) but hold no text of the title's own.
 */
export function textDirection(text: string): "ltr" | "rtl" {
  const letter = /\p{L}/u.exec(text)?.[0];
  return letter && RTL_LETTER.test(letter) ? "rtl" : "ltr";
}
