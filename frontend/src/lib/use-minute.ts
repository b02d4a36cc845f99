"use client";
import { useEffect, useState } from "react";

/** "now", moving on once a minute, so "Overdue" and "Today" stay true on a page left open. */
export function useMinute() {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}
