"use client";
import { useSyncExternalStore } from "react";
import { onSessionEnded, sessionHasEnded } from "./session";

/** True once a request has found the session ended (lib/session.ts): sign-in is next. */
export const useSessionEnded = () =>
  useSyncExternalStore(onSessionEnded, sessionHasEnded, () => false);
