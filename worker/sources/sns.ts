// Amazon SNS around CloudWatch: the message signature (SignatureVersion 1, SHA1withRSA, and 2,
// SHA256withRSA, over the documented string to sign) checked with the certificate named by
// `SigningCertURL`, fetched only over https from an SNS host and cached; and the
// SubscriptionConfirmation answered by fetching its `SubscribeURL`, only on an SNS host.
// SNS_TEST_HOSTS (tests only) names extra host:port pairs, reached over plain http, for a local
// capture server standing in for AWS.
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { HttpError, PayloadError } from "../errors";
import { type JsonObject, text } from "./common";

/**
 * `sns.<region>.<partition domain>`: a region's form (us-east-1, us-gov-west-1, cn-north-1,
 * us-iso-east-1, us-isob-east-1) and the AWS partitions' domains (aws and aws-us-gov: amazonaws.com;
 * aws-cn: amazonaws.com.cn; aws-iso: c2s.ic.gov; aws-iso-b: sc2s.sgov.gov). Nothing else: S3 answers on
 * names such as sns.s3-accelerate.amazonaws.com, which anyone can fill with a certificate of their own.
 */
const SNS_HOST = /^sns\.[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}\.(?:amazonaws\.com|amazonaws\.com\.cn|c2s\.ic\.gov|sc2s\.sgov\.gov)$/;
/** The subject SNS's signing certificates carry (CN=sns.amazonaws.com); other partitions may name their own host. */
const SNS_SUBJECT = "sns.amazonaws.com";
const COMMON_NAME = "2.5.4.3";

/** The URL when it is an SNS endpoint (or a test host); null otherwise. */
export function snsUrl(value: string | undefined, testHosts: readonly string[]): URL | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  if (url.protocol === "https:" && SNS_HOST.test(url.hostname) && (url.port === "" || url.port === "443")) return url;
  if ((url.protocol === "http:" || url.protocol === "https:") && testHosts.includes(url.host)) return url;
  return null;
}

// Keys signed, in order, per message type (AWS: "Verifying the signatures of Amazon SNS messages").
const SIGNED_KEYS: Record<string, readonly string[]> = {
  Notification: ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
  SubscriptionConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
  UnsubscribeConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
};

export function stringToSign(message: JsonObject): string {
  const keys = SIGNED_KEYS[String(message.Type)];
  if (!keys) throw new PayloadError("Type", `must be one of ${Object.keys(SIGNED_KEYS).join(", ")}`);
  let out = "";
  for (const key of keys) {
    const value = message[key];
    // Subject is signed only when present; the others are required.
    if (value === undefined || value === null) {
      if (key === "Subject") continue;
      throw new HttpError(401, `SNS signature cannot be checked: \`${key}\` is missing`);
    }
    out += `${key}\n${String(value)}\n`;
  }
  return out;
}

interface SigningKey {
  key: CryptoKey;
  notBefore: number;
  notAfter: number;
}

// Certificates by URL and hash, for the isolate's life: SNS signs with few certificates. Their dates
// are checked at every use, so a cached one that expired is refused too.
const keys = new Map<string, Promise<SigningKey>>();

async function publicKey(url: URL, hash: "SHA-1" | "SHA-256"): Promise<SigningKey> {
  const cacheKey = `${hash} ${url.href}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = loadKey(url, hash);
    keys.set(cacheKey, key);
    key.catch(() => keys.delete(cacheKey));
  }
  return key;
}

async function loadKey(url: URL, hash: "SHA-1" | "SHA-256"): Promise<SigningKey> {
  let pem: string;
  try {
    const response = await fetch(url.href, { redirect: "manual" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    pem = await response.text();
  } catch (e) {
    throw new HttpError(503, `the SNS signing certificate could not be fetched (${String((e as Error).message ?? e).slice(0, 80)}); retry later`);
  }
  const base64 = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem)?.[1];
  if (!base64) throw new HttpError(401, "the SigningCertURL did not serve a PEM certificate");
  const der = Uint8Array.from(atob(base64.replace(/\s+/g, "")), (ch) => ch.charCodeAt(0));
  let cert: Certificate;
  let spki: ArrayBuffer;
  try {
    cert = AsnConvert.parse(der, Certificate);
    spki = AsnConvert.serialize(cert.tbsCertificate.subjectPublicKeyInfo);
  } catch {
    throw new HttpError(401, "the SigningCertURL did not serve a valid X.509 certificate");
  }
  const names = cert.tbsCertificate.subject.flatMap((rdn) => rdn.filter((a) => a.type === COMMON_NAME).map((a) => a.value.toString().toLowerCase()));
  if (!names.some((cn) => cn === SNS_SUBJECT || cn === url.hostname))
    throw new HttpError(401, `the SNS signing certificate's subject is not ${SNS_SUBJECT} (got ${JSON.stringify(names.join(", ").slice(0, 80))})`);
  const { notBefore, notAfter } = cert.tbsCertificate.validity;
  return {
    key: await crypto.subtle.importKey("spki", spki, { name: "RSASSA-PKCS1-v1_5", hash }, false, ["verify"]),
    notBefore: notBefore.getTime().getTime(),
    notAfter: notAfter.getTime().getTime(),
  };
}

/** Throws a 401 unless `message` is signed by SNS (or 503 when the certificate cannot be had now). */
export async function verifySnsMessage(message: JsonObject, testHosts: readonly string[]): Promise<void> {
  const version = text(message.SignatureVersion);
  if (version !== "1" && version !== "2") {
    throw new HttpError(
      401,
      "SNS message is not signed (SignatureVersion 1 or 2): with raw message delivery or a relay, set the integration's verify_signatures to false",
    );
  }
  const certUrl = snsUrl(text(message.SigningCertURL), testHosts);
  if (!certUrl?.pathname.endsWith(".pem")) throw new HttpError(401, "`SigningCertURL` must be an https .pem URL on an sns.<region>.amazonaws.com host");
  const signed = stringToSign(message);
  let signature: Uint8Array;
  try {
    signature = Uint8Array.from(atob(String(message.Signature ?? "")), (ch) => ch.charCodeAt(0));
  } catch {
    throw new HttpError(401, "`Signature` is not base64");
  }
  if (!signature.length) throw new HttpError(401, "`Signature` is missing");
  const { key, notBefore, notAfter } = await publicKey(certUrl, version === "1" ? "SHA-1" : "SHA-256");
  const now = Date.now();
  if (now < notBefore || now > notAfter)
    throw new HttpError(
      401,
      `the SNS signing certificate is not valid now (valid from ${new Date(notBefore).toISOString()} to ${new Date(notAfter).toISOString()})`,
    );
  const ok = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, new TextEncoder().encode(signed));
  if (!ok) throw new HttpError(401, "invalid SNS message signature");
}

/** Confirms the subscription by visiting its SubscribeURL (an SNS host only). */
export async function confirmSubscription(message: JsonObject, testHosts: readonly string[]): Promise<void> {
  const url = snsUrl(text(message.SubscribeURL), testHosts);
  if (!url) throw new PayloadError("SubscribeURL", "must be an https URL on an sns.<region>.amazonaws.com host");
  let response: Response;
  try {
    response = await fetch(url.href, { redirect: "manual" });
  } catch (e) {
    throw new HttpError(503, `the SNS subscription could not be confirmed (${String((e as Error).message ?? e).slice(0, 80)}); SNS will retry`);
  }
  await response.body?.cancel();
  if (!response.ok) throw new HttpError(503, `SNS answered ${response.status} to the subscription confirmation; SNS will retry`);
}
