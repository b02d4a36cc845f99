"use client";
// One line above every page that says what the app cannot show by itself: that the browser is
// offline and how many changes wait to be sent, or that the session ended and sign-in is next.
import { onlineManager, useIsMutating, useMutationState } from "@tanstack/react-query";
import { useEffect, useState, useSyncExternalStore } from "react";
import { goToSignIn } from "@/lib/session";
import { useStreamStatus } from "@/lib/use-live-updates";
import { useSessionEnded } from "@/lib/use-session-ended";

/** A reconnect quicker than this is not worth a line on the screen. */
const DISCONNECTED_AFTER_MS = 2000;

/** Whether changes made elsewhere have stopped arriving (the event stream is down) for a while. */
function useDisconnected() {
  const stream = useStreamStatus();
  const [disconnected, setDisconnected] = useState(false);
  useEffect(() => {
    if (stream !== "offline") return setDisconnected(false);
    const timer = window.setTimeout(() => setDisconnected(true), DISCONNECTED_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, [stream]);
  return disconnected;
}

const useOnline = () =>
  useSyncExternalStore(
    (listener) => onlineManager.subscribe(listener),
    () => onlineManager.isOnline(),
    () => true,
  );

export function AppStatus() {
  const ended = useSessionEnded();
  const online = useOnline();
  const disconnected = useDisconnected();
  // Offline, TanStack Query holds changes (networkMode "online") and sends them, in order, once
  // the browser is back online; the screen already shows them, so say they are not saved yet.
  const waiting = useMutationState({
    filters: { status: "pending" },
    select: (mutation) => mutation.state.isPaused,
  }).filter(Boolean).length;

  // Changes still in flight are let settle first (each is refused with a 401 within a round
  // trip): a refused one puts its text back on screen, where task-app.tsx keeps it for after
  // signing in. Three seconds at most, so a stuck request cannot keep the user here.
  const inFlight = useIsMutating();
  useEffect(() => {
    if (!ended) return;
    const timer = window.setTimeout(goToSignIn, inFlight === 0 ? 0 : 3000);
    return () => window.clearTimeout(timer);
  }, [ended, inFlight]);

  // Held changes live in this page only: leaving it would lose them, so the browser asks first.
  useEffect(() => {
    if (waiting === 0) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [waiting]);

  let message: string | null = null;
  if (ended) message = "Your session has ended. Taking you to sign in…";
  else if (!online) {
    message = `You're offline. ${
      waiting === 0
        ? "Changes you make will be saved when you're back online."
        : `${waiting} ${waiting === 1 ? "change" : "changes"} not saved yet; they will be sent when you're back online.`
    }`;
  } else if (waiting > 0) message = "Back online. Saving your changes…";
  else if (disconnected) {
    message = "Reconnecting… Changes made on your other devices will show once connected.";
  }

  // The live region is always in the page, so that what appears in it is announced.
  return (
    <div className="app-status" role="status">
      {message && (
        <p
          className="status-line"
          data-kind={ended ? "session" : !online || disconnected ? "offline" : "saving"}
        >
          {message}
        </p>
      )}
    </div>
  );
}
