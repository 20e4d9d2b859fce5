import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "../../worker/admin/csv";

describe("CSV export cells (RFC 4180, CSV injection guarded)", () => {
  it.each([
    ["plain@example.com", "plain@example.com"],
    ["", ""],
    [null, ""],
    [42, "42"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["cr\r\nlf", '"cr\r\nlf"'],
    [" padded ", '" padded "'],
    // Formula starts (OWASP): kept as text with a leading apostrophe.
    ['=HYPERLINK("https://evil.example")', '"\'=HYPERLINK(""https://evil.example"")"'],
    ["+sum@example.com", "'+sum@example.com"],
    ["-1+1@example.com", "'-1+1@example.com"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["\rcmd", '"\'\rcmd"'],
    ["a=b", "a=b"],
  ])("%j → %j", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it("rows end with CRLF, header first", () => {
    expect(
      toCsv(
        ["id", "email"],
        [
          ["a1", "x@example.com"],
          ["a2", "=1+1"],
        ],
      ),
    ).toBe("id,email\r\na1,x@example.com\r\na2,'=1+1\r\n");
  });
});
