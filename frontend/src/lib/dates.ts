// Dates as a person reads them: relative to today, in their own language and time zone.

export interface DateFormat {
  locale: string;
  timeZone: string;
}

const ymd = (date: Date, timeZone: string) =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(date)
    .split("-")
    .map(Number) as [number, number, number];

/** Calendar days from `now` to `date` in `timeZone`: 0 today, 1 tomorrow, -1 yesterday. */
export function daysFromToday(date: Date, now: Date, timeZone: string): number {
  const [y1, m1, d1] = ymd(date, timeZone);
  const [y2, m2, d2] = ymd(now, timeZone);
  return Math.round((Date.UTC(y1, m1 - 1, d1) - Date.UTC(y2, m2 - 1, d2)) / 86_400_000);
}

const capitalize = (text: string, locale: string) =>
  text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);

function hasTime(date: Date, timeZone: string) {
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(date);
  return time !== "00:00";
}

/** "Today 17:00", "Tomorrow", "Friday", "3 days ago", "12 Dec", "3 Jan 2027". */
export function formatDue(iso: string, { locale, timeZone }: DateFormat, now = new Date()): string {
  const date = new Date(iso);
  const days = daysFromToday(date, now, timeZone);
  let day: string;
  if (Math.abs(days) <= 1 || (days < 0 && days > -7)) {
    day = new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(days, "day");
  } else if (days > 1 && days < 7) {
    day = new Intl.DateTimeFormat(locale, { timeZone, weekday: "long" }).format(date);
  } else {
    const sameYear = ymd(date, timeZone)[0] === ymd(now, timeZone)[0];
    day = new Intl.DateTimeFormat(locale, {
      timeZone,
      month: "short",
      day: "numeric",
      year: sameYear ? undefined : "numeric",
    }).format(date);
  }
  day = capitalize(day, locale);
  if (!hasTime(date, timeZone)) return day;
  const time = new Intl.DateTimeFormat(locale, { timeZone, timeStyle: "short" }).format(date);
  return `${day} ${time}`;
}

/** The full date and time, for a tooltip or a screen reader. */
export function formatFull(iso: string, { locale, timeZone }: DateFormat): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    dateStyle: "full",
    timeStyle: "short",
  }).format(new Date(iso));
}

/** The value of an <input type="datetime-local"> for an instant, in the browser's time zone. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An <input type="datetime-local"> value (browser time zone) as an ISO instant, or null. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export const isOverdue = (task: { due_at: string | null; is_completed: boolean }, now: Date) =>
  !task.is_completed && task.due_at !== null && new Date(task.due_at) < now;
