import { describe, expect, it } from "vitest";
import { canonicalListSearch, listQueryString, parseListParams } from "./list-url";
import type { ListParams } from "./tasks-query";

const DEFAULT: ListParams = { filter: "all", q: "", tag: "", sort: "created" };
const parse = (query: string) => parseListParams(new URLSearchParams(query));

describe("reading the list's view from the URL", () => {
  it("reads every parameter", () => {
    expect(parse("status=completed&q=buy+milk&tag=home&sort=-priority")).toEqual({
      filter: "completed",
      q: "buy milk",
      tag: "home",
      sort: "-priority",
    });
  });

  it("falls back to the defaults for missing, unknown and bad values", () => {
    expect(parse("")).toEqual(DEFAULT);
    expect(parse("status=done&sort=random&filter=active&page=2")).toEqual(DEFAULT);
    expect(parse("status=Active&sort=TITLE")).toEqual(DEFAULT);
    expect(parse("q=%20%20&tag=%09")).toEqual(DEFAULT);
  });

  it("trims text, and cuts a search or tag longer than the API takes", () => {
    const long = parse(`q=${"a".repeat(300)}&tag=${"t".repeat(40)}`);
    expect(long.q).toBe("a".repeat(200));
    expect(long.tag).toBe("t".repeat(32));
    expect(parse("q=%20milk%20&tag=%20home%20")).toMatchObject({ q: "milk", tag: "home" });
  });

  it("takes the first of a repeated parameter, from a URL or from a page's searchParams", () => {
    expect(parse("status=active&status=completed").filter).toBe("active");
    expect(parseListParams({ status: ["completed", "active"], q: "x", tag: undefined })).toEqual({
      ...DEFAULT,
      filter: "completed",
      q: "x",
    });
  });
});

describe("writing the list's view into the URL", () => {
  it("leaves out every default, down to no query at all", () => {
    expect(listQueryString(DEFAULT)).toBe("");
    expect(listQueryString({ ...DEFAULT, q: "   " })).toBe("");
    expect(listQueryString({ ...DEFAULT, filter: "active" })).toBe("?status=active");
    expect(listQueryString({ ...DEFAULT, sort: "title" })).toBe("?sort=title");
  });

  it("writes status, q, tag and sort in that order, whatever the order given", () => {
    const params: ListParams = { sort: "-created", tag: "home", q: "buy milk", filter: "active" };
    expect(listQueryString(params)).toBe("?status=active&q=buy+milk&tag=home&sort=-created");
  });

  it("escapes what would end a value or the query, or be read as a space", () => {
    const written = listQueryString({ ...DEFAULT, q: "a&b=c#d+e%" });
    expect(written).toBe("?q=a%26b=c%23d%2Be%25");
    expect(parse(written.slice(1)).q).toBe("a&b=c#d+e%");
  });

  it("reads back what it writes", () => {
    const views: ListParams[] = [
      DEFAULT,
      { filter: "completed", q: "", tag: "", sort: "due" },
      { filter: "active", q: "Ünïcödé & “quotes” #1", tag: "c++", sort: "title" },
      { filter: "all", q: "שלום", tag: "עבודה", sort: "-priority" },
    ];
    for (const params of views) {
      expect(parse(listQueryString(params).slice(1))).toEqual(params);
    }
  });

  it("puts a URL in its one form: known keys, valid values, one order", () => {
    const canonical = canonicalListSearch(
      new URLSearchParams("tag=home&utm=x&status=active&sort=bogus&q=&status=completed"),
    );
    expect(canonical.toString()).toBe("status=active&tag=home");
  });
});
