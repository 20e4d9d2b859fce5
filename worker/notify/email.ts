// Email through Cloudflare Email Service's `send_email` binding (EMAIL), builder form.
import type { Env } from "../env";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
  headers?: Record<string, string>;
}

/** Sends one email from EMAIL_FROM; resolves to the message id. Throws what the binding throws. */
export async function sendEmail(env: Pick<Env, "EMAIL" | "EMAIL_FROM">, email: OutgoingEmail): Promise<string> {
  const from = env.EMAIL_FROM;
  if (!from) throw new Error("EMAIL_FROM is not set: no sender for notification emails");
  const result = await env.EMAIL.send({
    from,
    to: email.to,
    subject: email.subject,
    text: email.text,
    ...(email.html ? { html: email.html } : {}),
    ...(email.headers && Object.keys(email.headers).length ? { headers: email.headers } : {}),
  });
  return result.messageId;
}

/** The RFC 8058 headers every subscriber email carries. */
export const unsubscribeHeaders = (url: string): Record<string, string> => ({
  "List-Unsubscribe": `<${url}>`,
  "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
});
