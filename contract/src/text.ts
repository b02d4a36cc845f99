// Rules about text that several fields share.

/** Unicode control characters (C0, DEL, C1), NUL included: never in a one-line field. */
export const CONTROL_CHARS = /\p{Cc}/u;
/** Multi-line fields allow tab, line feed and carriage return among the control characters. */
export const CONTROL_CHARS_EXCEPT_LINE_BREAKS = /(?![\t\n\r])\p{Cc}/u;

/** Length in code points, as a reader counts characters (an emoji is one, not two). */
export const codePoints = (s: string) => [...s].length;

// Postgres text cannot hold NUL: a filter with one would fail the query, and no stored text has one.
export const hasNoNul = (s: string) => !s.includes("\u0000");
