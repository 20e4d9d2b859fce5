// Body signatures of the senders that sign (their registry entry's `signature`): hex HMAC-SHA256 with
// the integration's signing secret, checked by the ingestor before anything is decided.
import { constantTimeEqual, toHex } from "../../domain/ids";
import { DEFAULT_SIGNATURE_HEADER, type IntegrationOptions } from "../../domain/integration-options";
import { senderOf } from "./registry";

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

/**
 * The signature in `signature_header` (the sender's default name when unset); with a
 * `timestamp_header` (Grafana) the signed string is `<timestamp>:<body>`. Without one configured,
 * the timestamp header this page once documented for Grafana is still honoured when sent.
 */
export async function verifyBodySignature(source: string, secret: string, options: IntegrationOptions, signed: SignedRequest): Promise<boolean> {
  const signs = senderOf(source)?.signature;
  const signature = signed.headers[options.signature_header ?? signs?.header ?? DEFAULT_SIGNATURE_HEADER];
  if (!signature) return false;
  const legacy = signs?.legacyTimestamp;
  const timestamp = options.timestamp_header ? signed.headers[options.timestamp_header] : legacy ? signed.headers[legacy] : undefined;
  if (options.timestamp_header && !timestamp) return false;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const message = timestamp ? `${timestamp}:${signed.body}` : signed.body;
  const expected = toHex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
  return constantTimeEqual(expected, signature.trim().toLowerCase());
}
