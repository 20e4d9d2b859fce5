// A postmortem's Markdown as HTML, safe to put in a page or a feed: CommonMark through micromark, with
// raw HTML shown as text (never passed through) and link or image URLs limited to safe protocols
// (http, https, mailto, irc, xmpp; javascript:, data: and the like become empty).
import { micromark } from "micromark";

export const renderMarkdown = (markdown: string): string => micromark(markdown, { allowDangerousHtml: false, allowDangerousProtocol: false });
