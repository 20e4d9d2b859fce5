// A postmortem's Markdown as HTML (domain/markdown.ts): what operators write renders; nothing in it runs.
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../domain/markdown";

describe("renderMarkdown", () => {
  it("renders CommonMark: headings, emphasis, lists, code, links", () => {
    expect(renderMarkdown("## Timeline\n\n- **10:02** deploy\n- `rollback`\n\n[runbook](https://example.com/r)")).toBe(
      '<h2>Timeline</h2>\n<ul>\n<li><strong>10:02</strong> deploy</li>\n<li><code>rollback</code></li>\n</ul>\n<p><a href="https://example.com/r">runbook</a></p>',
    );
  });

  it.each([
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "<svg onload=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](data:text/html,<script>alert(1)</script>)",
    '[x](https://e.com "a\\" onmouseover=\\"alert(1)")',
    '<div style="background:url(javascript:alert(1))">',
  ])("%s runs nothing", (input) => {
    const html = renderMarkdown(input);
    expect(html).not.toMatch(/<(script|iframe|svg|div|img[^>]*onerror)|href="(javascript|vbscript|data):|src="(javascript|data):|\son\w+="/i);
  });
});
