// One notification to one destination: the body in its format, posted with a 30 s timeout and no
// redirects followed (a 3xx is a failure); any 2xx is delivered. Email goes through the EMAIL binding.
import type { Language } from "../../i18n";
import type { Env } from "../env";
import { sendEmail, unsubscribeHeaders } from "./email";
import type { NotifyEvent } from "./events";
import { datadogBody, discordBody, emailBody, type Links, slackBody, teamsBody, webhookBody } from "./formats";
import { checkOutboundUrl } from "./outbound";
import { signWebhook } from "./sign";

export const SEND_TIMEOUT_MS = 30_000;
const USER_AGENT = "alert-status-page-notifier/1";

export type Destination =
  | { kind: "webhook"; url: string /** whsec_…: operator channels sign; subscriber webhooks have none. */; secret: string | null }
  | { kind: "slack" | "discord" | "teams"; url: string }
  | { kind: "datadog"; apiUrl: string; apiKey: string }
  | { kind: "email"; to: string };

export interface SendInput {
  event: NotifyEvent;
  destination: Destination;
  links: Links;
  lang: Language;
  /** A public subscriber (email: List-Unsubscribe headers and the subscriber footer). */
  subscriber: boolean;
  /** The idempotency key: `webhook-id`, so receivers can drop a redelivery too. */
  key: string;
}

export type SendResult = { ok: true; status: number | null } | { ok: false; status: number | null; error: string };

export async function send(env: Env, input: SendInput): Promise<SendResult> {
  const { event, destination: d, links } = input;
  switch (d.kind) {
    case "email": {
      const mail = emailBody(event, links, input.lang, input.subscriber);
      try {
        await sendEmail(env, { to: d.to, ...mail, headers: input.subscriber ? unsubscribeHeaders(links.unsubscribe) : undefined });
        return { ok: true, status: null };
      } catch (error) {
        return { ok: false, status: null, error: `email not sent: ${String((error as Error)?.message ?? error).slice(0, 300)}` };
      }
    }
    case "datadog":
      return post(env, `${d.apiUrl.replace(/\/$/, "")}/api/v1/events`, JSON.stringify(datadogBody(event, links)), {
        "DD-API-KEY": d.apiKey,
      });
    case "webhook": {
      const body = JSON.stringify(webhookBody(event, links));
      const signed = d.secret ? await signWebhook(d.secret, input.key, Math.floor(Date.now() / 1000), body) : { "webhook-id": input.key };
      return post(env, d.url, body, signed);
    }
    case "slack":
      return post(env, d.url, JSON.stringify(slackBody(event, links)));
    case "discord":
      return post(env, d.url, JSON.stringify(discordBody(event, links)));
    case "teams":
      return post(env, d.url, JSON.stringify(teamsBody(event, links)));
  }
}

/** POSTs JSON; errors never carry the URL (a Slack or Discord URL is itself a secret). */
export async function post(env: Env, url: string, body: string, headers: Record<string, string> = {}): Promise<SendResult> {
  const refused = checkOutboundUrl(env, url);
  if (refused) return { ok: false, status: null, error: `refused: the URL ${refused}` };
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": USER_AGENT, ...headers },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    await res.body?.cancel();
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    if (res.status >= 300 && res.status < 400) return { ok: false, status: res.status, error: `HTTP ${res.status}: redirects are not followed` };
    return { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (error) {
    const name = (error as Error)?.name;
    if (name === "TimeoutError" || name === "AbortError") return { ok: false, status: null, error: `no answer within ${SEND_TIMEOUT_MS / 1000} s` };
    return {
      ok: false,
      status: null,
      error: `not delivered: ${String((error as Error)?.message ?? error)
        .replaceAll(url, "<url>")
        .slice(0, 300)}`,
    };
  }
}

/** What the log shows of a destination: host and a hint, never a URL's secret path or a whole address. */
export function maskTarget(d: Destination): string {
  if (d.kind === "email") return maskEmail(d.to);
  const url = d.kind === "datadog" ? d.apiUrl : d.url;
  try {
    const u = new URL(url);
    return d.kind === "datadog" ? u.origin : `${u.origin}/…`;
  } catch {
    return "(invalid URL)";
  }
}

export function maskEmail(address: string): string {
  const at = address.lastIndexOf("@");
  if (at < 1) return "***";
  return `${address[0]}***${address.slice(at)}`;
}
