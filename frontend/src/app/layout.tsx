import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { Providers } from "./providers";
// In this order: each stylesheet builds on the ones before it (the cascade is theirs in sequence).
import "@/styles/base.css";
import "@/styles/chrome.css";
import "@/styles/controls.css";
import "@/styles/pages.css";
import "@/styles/task-list.css";
import "@/styles/dialogs.css";
import "@/styles/small-screens.css";

export const metadata: Metadata = {
  title: { default: "Todo", template: "%s · Todo" },
  description: "A fast, private todo list.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#16181d" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    // next-themes sets data-theme before React hydrates, hence the warning suppression.
    <html lang="en" suppressHydrationWarning>
      <body>
        <Providers nonce={nonce}>{children}</Providers>
      </body>
    </html>
  );
}
