import { describe, expect, it } from "vitest";
import type { Task, TaskPage } from "./api";
import { savedTask, view } from "./task-fixtures";
import { placeInList, viewExcludes } from "./task-view";

const task = savedTask;

const pages = (...items: Task[][]): { pages: TaskPage[] } => ({
  pages: items.map((page) => ({ items: page, next_cursor: null })),
});

describe("which view leaves a task out", () => {
  const milk = task(1, { title: "Buy Milk", description: "oat", tags: ["home"] });

  it("says the filter, the tag or the search, in that order", () => {
    expect(viewExcludes(milk, view())).toBeNull();
    expect(viewExcludes(milk, view({ filter: "completed", tag: "work" }))).toBe("filter");
    expect(viewExcludes(milk, view({ filter: "active", tag: "work" }))).toBe("tag");
    expect(viewExcludes(milk, view({ tag: "home", q: "bread" }))).toBe("search");
  });

  it("matches a search as the API does: every word, any case, in the title, notes or tags", () => {
    expect(viewExcludes(milk, view({ q: "milk BUY" }))).toBeNull();
    expect(viewExcludes(milk, view({ q: "oat home" }))).toBeNull();
    expect(viewExcludes(milk, view({ q: "milk bread" }))).toBe("search");
  });
});

describe("where a new task goes among the loaded rows", () => {
  const typed = task(-1, { title: "m" });

  it("is after every saved task when oldest first, before them when newest first", () => {
    expect(placeInList(typed, view(), pages([task(1), task(2)], [task(3)]))).toEqual([1, 1]);
    expect(placeInList(typed, view({ sort: "-created" }), pages([task(3), task(2)]))).toEqual([
      0, 0,
    ]);
  });

  it("is nowhere while rows after the loaded ones are still to come, or outside its view", () => {
    const more = { pages: [{ items: [task(1)], next_cursor: "next" }] };
    expect(placeInList(typed, view(), more)).toBeNull();
    expect(placeInList(typed, view({ filter: "completed" }), pages([]))).toBeNull();
    expect(placeInList(typed, view(), undefined)).toBeNull();
  });

  it("follows the title (any case), due date (none last) and priority (highest first) orders", () => {
    const titled = pages([task(1, { title: "apple" }), task(2, { title: "Zebra" })]);
    expect(placeInList(task(-1, { title: "Mango" }), view({ sort: "title" }), titled)).toEqual([
      0, 1,
    ]);
    const due = pages([
      task(1, { due_at: "2026-05-01T00:00:00.000Z" }),
      task(2, { due_at: "2026-06-01T00:00:00.000Z" }),
      task(3),
    ]);
    const dueMay15 = task(-1, { due_at: "2026-05-15T00:00:00.000Z" });
    expect(placeInList(dueMay15, view({ sort: "due" }), due)).toEqual([0, 1]);
    expect(placeInList(task(-1), view({ sort: "due" }), due)).toEqual([0, 3]);
    const ranked = pages([task(1, { priority: "high" }), task(2, { priority: "low" })]);
    const medium = task(-1, { priority: "medium" });
    expect(placeInList(medium, view({ sort: "-priority" }), ranked)).toEqual([0, 1]);
  });
});
