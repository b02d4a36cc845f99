import { dictionary } from "@zxcvbn-ts/language-common";

// 49,233 common passwords (zxcvbn-ts' list, lower-case; 17,950 of them 8 characters or longer).
const COMMON_PASSWORDS = new Set(dictionary["passwords-common"]);

/** True when the password, in any letter case, is on the list of common passwords. */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}
