// The accounts part of the API's contract: what a user may set about themselves, and its limits.

import { CONTROL_CHARS, codePoints } from "./text.ts";
import { z } from "./zod.ts";

export const EMAIL_MAX = 254;
export const NAME_MAX = 100;
export const IMAGE_URL_MAX = 2048;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** An absolute https: or http: URL: an image's address, never javascript:, data: or a path. */
function isWebUrl(value: string): boolean {
  if (/[\s\p{Cc}]/u.test(value) || !URL.canParse(value)) return false;
  const { protocol, hostname } = new URL(value);
  return (protocol === "https:" || protocol === "http:") && hostname !== "";
}

/**
 * The user's fields, as Better Auth takes them from sign-up and update-user bodies. Better Auth
 * itself takes any string (update-user: any JSON value); these come back in every session read,
 * so they are bounded.
 */
export const userFields = {
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(
      z
        .email("must be an email address")
        .max(EMAIL_MAX, `an email has at most ${EMAIL_MAX} characters`),
    ),
  name: z
    .string()
    .trim()
    .min(1, "name cannot be blank")
    .refine((s) => codePoints(s) <= NAME_MAX, `name has at most ${NAME_MAX} characters`)
    .refine((s) => !CONTROL_CHARS.test(s), "name cannot contain control characters"),
  image: z
    .string()
    .max(IMAGE_URL_MAX, `image has at most ${IMAGE_URL_MAX} characters`)
    .refine(isWebUrl, "image must be an https: or http: URL"),
};
