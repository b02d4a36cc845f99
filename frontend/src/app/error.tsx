"use client";
// Shown when a page cannot be rendered, most often because the API is not answering: say so,
// and offer to try again rather than leave a blank screen.
import { useRouter } from "next/navigation";
import { startTransition, useEffect } from "react";

export default function ErrorPage({ error, reset }: { error: Error; reset: () => void }) {
  const router = useRouter();
  useEffect(() => console.error(error), [error]);
  // The failure was on the server: render the page there again, then here.
  const retry = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });
  return (
    <main id="main" className="landing">
      <h1>Something went wrong</h1>
      <p className="lead">
        The page could not be loaded, usually because the server is not answering. Your tasks are
        safe; try again in a moment.
      </p>
      <div className="actions">
        <button type="button" className="btn btn-primary" onClick={retry}>
          Try again
        </button>
      </div>
    </main>
  );
}
