// The API's limits on a task's text (backend/src/db/schema.ts), checked here so that the user is
// told at once, and text over a limit is kept for them to shorten instead of being cut.

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 5000;
export const TAGS_MAX = 20;
export const TAG_MAX = 32;

const count = (n: number) => n.toLocaleString("en-US");

/**
 * "At most 200 characters (this has 230). …" when `text` is over `max`, else undefined. Lengths are
 * UTF-16 units, as the API's validation counts them; a title is measured trimmed, as it is saved.
 */
export function lengthError(text: string, max: number): string | undefined {
  if (text.length <= max) return undefined;
  return `At most ${count(max)} characters (this has ${count(text.length)}). Nothing was cut: shorten it to save.`;
}

export const titleError = (title: string) => lengthError(title.trim(), TITLE_MAX);

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
