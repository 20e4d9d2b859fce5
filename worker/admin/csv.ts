// CSV for operators' exports (RFC 4180): every cell quoted when it holds a comma, a quote or a line
// break, quotes doubled, CRLF between rows. A cell a spreadsheet would run as a formula (it starts
// with =, +, -, @, a tab or a carriage return; OWASP's CSV injection list) gets a leading apostrophe,
// so an address like `=HYPERLINK(...)@example.com` stays text when the file is opened.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let text = value == null ? "" : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: Iterable<readonly unknown[]>): string {
  const lines = [header.map(csvCell).join(",")];
  for (const row of rows) lines.push(row.map(csvCell).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
