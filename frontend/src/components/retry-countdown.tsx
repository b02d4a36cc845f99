"use client";
// "Try again in 42 seconds", counting down from the server's Retry-After, and the one toast that
// says so for the task list: a burst of refused changes shows one message, not one per change.
import { useEffect, useState } from "react";
import { toast } from "sonner";
import { ApiError } from "@/lib/api";

/** "1 second", "42 seconds", "14 min 05 s": always moving, so the wait is seen to pass. */
export function waitText(seconds: number) {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/** When a 429 may be retried, as a clock time (ms), or null when the error is not a 429. */
export const retryAt = (error: unknown) =>
  error instanceof ApiError && error.status === 429
    ? Date.now() + (error.retryAfter ?? 60) * 1000
    : null;

const secondsUntil = (until: number) => Math.max(0, Math.ceil((until - Date.now()) / 1000));

function useSecondsUntil(until: number) {
  const [seconds, setSeconds] = useState(() => secondsUntil(until));
  useEffect(() => {
    setSeconds(secondsUntil(until));
    // A quarter second: the number changes within 250 ms of the real second, never skips one.
    const timer = window.setInterval(() => {
      const left = secondsUntil(until);
      setSeconds(left);
      if (left === 0) window.clearInterval(timer);
    }, 250);
    return () => window.clearInterval(timer);
  }, [until]);
  return seconds;
}

/** "Try again in …", ticking. The ticking number is a timer (not live): a screen reader hears the
 * sentence once, when the message holding it appears, not once a second. */
export function RetryCountdown({ until }: { until: number }) {
  const seconds = useSecondsUntil(until);
  if (seconds === 0) return <>You can try again now.</>;
  return (
    <>
      Try again in{" "}
      <span role="timer" aria-live="off" style={{ whiteSpace: "nowrap" }}>
        {waitText(seconds)}
      </span>
      .
    </>
  );
}

/** A refused action's toast. A 429 goes to a single "slow down" toast, replaced (not repeated)
 * by the next 429, that counts down and leaves when the wait is over. A 401 gets none: the page
 * is already on its way to sign in (lib/session.ts). */
export function toastError(title: string, error: unknown) {
  if (error instanceof ApiError && error.status === 401) return;
  const until = retryAt(error);
  if (until !== null) {
    toast.error("Too many requests", {
      id: "rate-limited",
      description: <RetryCountdown until={until} />,
      duration: until - Date.now(),
    });
    return;
  }
  toast.error(title, { description: error instanceof Error ? error.message : undefined });
}
