"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { ThemeSwitch } from "./theme-switch";

export function TopBar({ signedIn }: { signedIn: boolean }) {
  const pathname = usePathname();
  const link = (href: string, label: string) => (
    <Link className="navlink" href={href} aria-current={pathname === href ? "page" : undefined}>
      {label}
    </Link>
  );
  return (
    <header>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="topbar">
        <Link className="brand" href={signedIn ? "/tasks" : "/"}>
          <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
            <rect x="2" y="2" width="20" height="20" rx="6" fill="var(--accent)" />
            <path
              d="M7 12.5l3.2 3.2L17 9"
              stroke="var(--accent-text)"
              strokeWidth="2.4"
              fill="none"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
          Todo
        </Link>
        <nav aria-label="Main">
          {signedIn ? (
            <>
              {link("/tasks", "Tasks")}
              {link("/settings", "Settings")}
            </>
          ) : (
            <>
              {link("/sign-in", "Sign in")}
              {link("/sign-up", "Sign up")}
            </>
          )}
          <ThemeSwitch />
        </nav>
      </div>
    </header>
  );
}
