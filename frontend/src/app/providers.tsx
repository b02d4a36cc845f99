"use client";
import { notifyManager, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ThemeProvider } from "next-themes";
import { type ReactNode, useEffect, useState } from "react";
import { Toaster } from "sonner";
import { AppStatus } from "@/components/app-status";

// TanStack Query tells React about cache changes on a timer by default, one task after the click:
// React would first put a controlled checkbox back, then flip it. A microtask lands before paint.
notifyManager.setScheduler(queueMicrotask);

export function Providers({ nonce, children }: { nonce: string | undefined; children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // The server rendered the first page; don't fetch it again on hydration.
          queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: true },
          mutations: { retry: 0 },
        },
      }),
  );

  // The server renders dates in the visitor's time zone, which only the browser knows.
  useEffect(() => {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    // biome-ignore lint/suspicious/noDocumentCookie: one plain cookie; the Cookie Store API is not in every browser
    document.cookie = `tz=${encodeURIComponent(tz)}; path=/; max-age=31536000; samesite=lax`;
  }, []);

  return (
    <ThemeProvider attribute="data-theme" enableSystem defaultTheme="system" nonce={nonce}>
      <QueryClientProvider client={queryClient}>
        <AppStatus />
        {children}
        <Toaster position="bottom-center" closeButton richColors={false} />
      </QueryClientProvider>
    </ThemeProvider>
  );
}
