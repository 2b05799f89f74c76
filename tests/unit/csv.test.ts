import { describe, expect, it } from "vitest";

import { csvField, csvRow } from "@/lib/csv";

describe("csvField", () => {
  it.each([
    ["plain", "Contoso", "Contoso"],
    ["a comma", "Contoso, Ltd", '"Contoso, Ltd"'],
    ["quotes", 'The "best" tenant', '"The ""best"" tenant"'],
    ["a line break", "two\nlines", '"two\nlines"'],
    ["a carriage return and line feed", "two\r\nlines", '"two\r\nlines"'],
    ["a formula with =", "=HYPERLINK(\"http://evil\")", '"\'=HYPERLINK(""http://evil"")"'],
    ["a formula with +", "+1+1", "'+1+1"],
    ["a formula with -", "-2+3", "'-2+3"],
    ["a formula with @", "@SUM(A1)", "'@SUM(A1)"],
    ["a leading tab", "\tcmd", "'\tcmd"],
    ["a leading carriage return", "\rx", '"\'\rx"'],
    ["empty", "", ""],
  ])("writes %s safely", (_name, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it("writes null as empty and numbers and booleans as text", () => {
    expect(csvRow([null, undefined, 3, true, "a"])).toBe(",,3,true,a\r\n");
  });
});
