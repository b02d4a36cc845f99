"use client";
import { useSyncExternalStore } from "react";
import type { DateFormat } from "./dates";

let browserFormat: DateFormat | undefined;
const subscribe = () => () => {};

/** The browser's locale and time zone; during the server render and hydration, the server's guess
 * (from the `tz` cookie and Accept-Language), so both render the same text. */
export function useDateFormat(serverFormat: DateFormat): DateFormat {
  return useSyncExternalStore(
    subscribe,
    () => {
      browserFormat ??= {
        locale: navigator.language,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      };
      return browserFormat;
    },
    () => serverFormat,
  );
}
