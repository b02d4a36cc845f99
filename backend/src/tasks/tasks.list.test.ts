// The tasks list over real HTTP: its filters, search, sort orders and pages.

import { SORTS } from "@todo/contract/tasks";
import { describe, expect, it } from "vitest";
import { databaseKind } from "../../test/helpers.ts";
import type { Task } from "../db/schema.ts";
import { DAY, HOUR, idsOf, TASKS, useTasksApi } from "./tasks.test-helpers.ts";

const { newUser } = useTasksApi();

/** The calendar date of an instant in a time zone, as YYYY-MM-DD. */
const localDate = (instant: number, timeZone: string) =>
  new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(instant);

/**
 * Waits out the last 15 seconds of a UTC hour. The day changes at a whole UTC hour in every zone
 * these tests use (UTC, and Pacific/Kiritimati at UTC+14), so the date cannot change mid-test.
 */
async function awayFromDayBoundary() {
  const left = HOUR - (Date.now() % HOUR);
  if (left < 15_000) await new Promise((resolve) => setTimeout(resolve, left + 200));
}

describe(`list filters and sort orders (${databaseKind})`, () => {
  it("status=pending and status=completed", async () => {
    const user = await newUser();
    const open = await user.create({ title: "open" });
    const done = await user.create({ title: "done", is_completed: true });
    expect(idsOf(await user.list("status=pending"))).toEqual([open.id]);
    expect(idsOf(await user.list("status=completed"))).toEqual([done.id]);
    expect(idsOf(await user.list("status=all"))).toEqual([open.id, done.id]);
  });

  it("q finds text in the title or the description, in any case; % and _ are literal", async () => {
    const user = await newUser();
    const inTitle = await user.create({ title: "Buy MILK" });
    const inDescription = await user.create({ title: "shopping", description: "oat Milk, eggs" });
    await user.create({ title: "nothing here" });
    const percent = await user.create({ title: "100% done" });
    await user.create({ title: "1000 things" });
    const underscore = await user.create({ title: "snake_case" });
    await user.create({ title: "snakeXcase" });
    const backslash = await user.create({ title: "a\\b" });
    await user.create({ title: "ab" });

    const search = (text: string) => user.list(`q=${encodeURIComponent(text)}`);
    expect(idsOf(await search("milk"))).toEqual([inTitle.id, inDescription.id]);
    expect(idsOf(await search("MiLk"))).toEqual([inTitle.id, inDescription.id]);
    expect(idsOf(await search("100%"))).toEqual([percent.id]);
    expect(idsOf(await search("snake_case"))).toEqual([underscore.id]);
    expect(idsOf(await search("a\\b"))).toEqual([backslash.id]);
    expect(await search("%")).toEqual([percent]);
    expect(await search("no such text")).toEqual([]);
  });

  it("q finds every word, each anywhere in the title, description or tags, in any case", async () => {
    const user = await newUser();
    const passport = await user.create({ title: "Renew passport before March 3" });
    const dentist = await user.create({
      title: "Call",
      description: "about the filling",
      tags: ["Dentist", "health"],
    });
    const split = await user.create({ title: "xq", description: "jv", tags: ["kw"] });
    await user.create({ title: "Renew the car's MOT", tags: ["car"] });

    const search = async (text: string) => idsOf(await user.list(`q=${encodeURIComponent(text)}`));
    expect(await search("passport march")).toEqual([passport.id]);
    expect(await search("MARCH  Passport")).toEqual([passport.id]);
    expect(await search("passport april")).toEqual([]);
    expect(await search("renew 3")).toEqual([passport.id]);
    // Tags are searched too, alone or with words found elsewhere.
    expect(await search("dentist")).toEqual([dentist.id]);
    expect(await search("call dent filling")).toEqual([dentist.id]);
    expect(await search("heal")).toEqual([dentist.id]);
    // Each word is found within one field: "qj" would span the title and the description.
    expect(await search("xq jv kw")).toEqual([split.id]);
    expect(await search("qj")).toEqual([]);
    expect(await search("vk")).toEqual([]);
  });

  it("tag filters by one whole tag, as stored (trimmed, case kept), and combines with q", async () => {
    const user = await newUser();
    const work = await user.create({ title: "Quarterly report", tags: [" Work ", "urgent"] });
    await user.create({ title: "Report card", tags: ["school"] });
    await user.create({ title: "Workshop", tags: ["workshop"] });
    expect(idsOf(await user.list("tag=Work"))).toEqual([work.id]);
    expect(idsOf(await user.list(`tag=${encodeURIComponent(" Work ")}`))).toEqual([work.id]);
    expect(idsOf(await user.list("tag=work"))).toEqual([]);
    expect(idsOf(await user.list("tag=Work&q=report"))).toEqual([work.id]);
    expect(idsOf(await user.list("tag=school&q=quarterly"))).toEqual([]);
  });

  it("tag and priority", async () => {
    const user = await newUser();
    const home = await user.create({ title: "home", tags: ["home", "weekend"], priority: "high" });
    const work = await user.create({ title: "work", tags: ["work"], priority: "low" });
    const both = await user.create({ title: "both", tags: ["work", "home"], priority: "high" });
    expect(idsOf(await user.list("tag=home"))).toEqual([home.id, both.id]);
    expect(idsOf(await user.list("tag=work"))).toEqual([work.id, both.id]);
    expect(idsOf(await user.list("tag=hom"))).toEqual([]);
    expect(idsOf(await user.list("priority=high"))).toEqual([home.id, both.id]);
    expect(idsOf(await user.list("priority=low"))).toEqual([work.id]);
    expect(idsOf(await user.list("priority=none"))).toEqual([]);
    expect(idsOf(await user.list("tag=home&priority=high&status=pending"))).toEqual([
      home.id,
      both.id,
    ]);
  });

  it('due=overdue/today/upcoming/none, with "today" decided in the tz given', async () => {
    await awayFromDayBoundary();
    const user = await newUser();
    const now = Date.now();
    const utcDayStart = now - (now % DAY);
    const dueAt = (ms: number) => new Date(ms).toISOString();
    const dated = [
      {
        ms: now - 2 * HOUR,
        task: await user.create({ title: "past", due_at: dueAt(now - 2 * HOUR) }),
      },
      {
        ms: now - 3 * HOUR,
        task: await user.create({
          title: "past, done",
          due_at: dueAt(now - 3 * HOUR),
          is_completed: true,
        }),
      },
      // 23:59:55 UTC today: "today" in UTC; in Kiritimati (UTC+14) it is tomorrow afternoon.
      {
        ms: utcDayStart + DAY - 5_000,
        task: await user.create({ title: "late today", due_at: dueAt(utcDayStart + DAY - 5_000) }),
      },
      // 05:00 UTC tomorrow: "upcoming" in UTC; 19:00 in Kiritimati.
      {
        ms: utcDayStart + DAY + 5 * HOUR,
        task: await user.create({
          title: "tomorrow morning",
          due_at: dueAt(utcDayStart + DAY + 5 * HOUR),
        }),
      },
      {
        ms: now + 7 * DAY,
        task: await user.create({ title: "next week", due_at: dueAt(now + 7 * DAY) }),
      },
    ];
    const undated = await user.create({ title: "no date" });
    const [past, pastDone, lateToday, tomorrowMorning, nextWeek] = dated.map((d) => d.task);

    // Overdue and none do not depend on the time zone.
    for (const tz of ["UTC", "Pacific/Kiritimati"]) {
      const zone = `tz=${encodeURIComponent(tz)}`;
      expect(idsOf(await user.list(`due=overdue&${zone}`))).toEqual([past?.id]);
      expect(idsOf(await user.list(`due=none&${zone}`))).toEqual([undated.id]);
    }
    expect(pastDone?.is_completed).toBe(true);

    const byDay = async (tz: string) => {
      const today = localDate(now, tz);
      const zone = `tz=${encodeURIComponent(tz)}`;
      const got = {
        today: idsOf(await user.list(`due=today&${zone}`)),
        upcoming: idsOf(await user.list(`due=upcoming&${zone}`)),
      };
      const expected = {
        today: dated.filter((d) => localDate(d.ms, tz) === today).map((d) => d.task.id),
        upcoming: dated.filter((d) => localDate(d.ms, tz) > today).map((d) => d.task.id),
      };
      expect(got).toEqual(expected);
      return got;
    };
    const utc = await byDay("UTC");
    expect(utc.today).toContain(lateToday?.id);
    expect(utc.upcoming).toEqual([tomorrowMorning?.id, nextWeek?.id]);
    // Default tz is UTC.
    expect(idsOf(await user.list("due=today"))).toEqual(utc.today);

    const kiritimati = await byDay("Pacific/Kiritimati");
    // Before 10:00 UTC, "late today" is tomorrow in Kiritimati; after, "tomorrow morning" is today
    // there. Either way the two zones disagree about today.
    expect(kiritimati.today).not.toEqual(utc.today);
    if (new Date(now).getUTCHours() < 10) expect(kiritimati.upcoming).toContain(lateToday?.id);
    else expect(kiritimati.today).toContain(tomorrowMorning?.id);
  });

  it("sorts by priority (none < low < medium < high), title (any case), creation and due date", async () => {
    const user = await newUser();
    const high = await user.create({
      title: "cherry",
      priority: "high",
      due_at: "2030-01-03T00:00:00Z",
    });
    const none = await user.create({ title: "Banana", priority: "none" });
    const medium = await user.create({
      title: "apple",
      priority: "medium",
      due_at: "2030-01-01T00:00:00Z",
    });
    const low = await user.create({
      title: "Date",
      priority: "low",
      due_at: "2030-01-02T00:00:00Z",
    });
    const sorted = async (sort: string) => idsOf(await user.list(`sort=${sort}`));

    expect(await sorted("priority")).toEqual([none.id, low.id, medium.id, high.id]);
    expect(await sorted("-priority")).toEqual([high.id, medium.id, low.id, none.id]);
    expect(await sorted("title")).toEqual([medium.id, none.id, high.id, low.id]);
    expect(await sorted("-title")).toEqual([low.id, high.id, none.id, medium.id]);
    expect(await sorted("created")).toEqual([high.id, none.id, medium.id, low.id]);
    expect(await sorted("-created")).toEqual([low.id, medium.id, none.id, high.id]);
    expect(await sorted("due")).toEqual([medium.id, low.id, high.id, none.id]); // no date last
    expect(await sorted("position")).toEqual([high.id, none.id, medium.id, low.id]);
  });

  it("sort=title is natural: numbers compare as numbers, any case, and cursors page through it", async () => {
    const user = await newUser();
    const titles = ["#103", "Task 10", "#19", "task 9", "#2", "Task 9b", "v1.10", "v1.9", "B", "a"];
    const byTitle = new Map<string, number>();
    for (const title of titles) byTitle.set(title, (await user.create({ title })).id);
    const natural = [
      "#2",
      "#19",
      "#103",
      "a",
      "B",
      "task 9",
      "Task 9b",
      "Task 10",
      "v1.9",
      "v1.10",
    ];
    const expected = natural.map((title) => byTitle.get(title));
    expect(idsOf(await user.list("sort=title"))).toEqual(expected);
    expect(idsOf(await user.list("sort=-title"))).toEqual([...expected].reverse());
    // Page by page, resuming from each cursor.
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `sort=title&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const response = await user.call("GET", `${TASKS}?${query}`);
      const page = (await response.json()) as { items: Task[]; next_cursor: string | null };
      paged.push(...idsOf(page.items));
      cursor = page.next_cursor;
    } while (cursor);
    expect(paged).toEqual(expected);
  });

  it("pages one task at a time through every sort order, ties included, in the same order as one page", async () => {
    const user = await newUser();
    for (const [title, priority, due_at] of [
      ["b", "low", "2030-01-02T00:00:00.123456Z"],
      ["B", "low", null],
      ["a", "high", "2030-01-02T00:00:00.123456Z"],
      ["c", "none", null],
      ["a", "high", "2030-01-01T00:00:00Z"],
    ]) {
      await user.create({ title, priority, due_at });
    }
    for (const sort of SORTS) {
      const whole = idsOf(await user.list(`sort=${sort}`));
      const paged: number[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `sort=${sort}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const page = (await (await user.call("GET", `${TASKS}?${query}`)).json()) as {
          items: Task[];
          next_cursor: string | null;
        };
        paged.push(...idsOf(page.items));
        cursor = page.next_cursor;
      } while (cursor && paged.length < 10);
      expect({ sort, paged }).toEqual({ sort, paged: whole });
    }
  });
});
