// A local stand-in for Amazon SNS in the worker tests (started by vitest.config.ts): it serves a
// signing certificate made here from a fresh RSA key pair, signs strings for the tests with that
// key (SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2), and records every request, so
// tests can see the worker fetch the certificate (once) and confirm a subscription. The worker
// reaches it only because the tests set SNS_TEST_HOSTS to its host:port.
import { createSign, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Certificate,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from "@peculiar/asn1-x509";

const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
const COMMON_NAME = "2.5.4.3";

/**
 * A self-signed X.509 certificate (PEM) for the key pair, as SNS serves its own: subject
 * CN=sns.amazonaws.com, valid from an hour ago for a day, unless the test asks for another subject or
 * other dates (GET …/wrong-subject….pem, …/expired….pem, …/not-yet-valid….pem).
 */
function selfSigned(publicKeyDer: Buffer, sign: (tbs: Buffer) => Buffer, opts: { subject?: string; notBefore?: Date; notAfter?: Date } = {}): string {
  const name = new Name([
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type: COMMON_NAME, value: new AttributeValue({ utf8String: opts.subject ?? "sns.amazonaws.com" }) }),
    ]),
  ]);
  const algorithm = new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null });
  const now = Date.now();
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(randomBytes(8)).buffer,
    signature: algorithm,
    issuer: name,
    validity: new Validity({ notBefore: opts.notBefore ?? new Date(now - 3600_000), notAfter: opts.notAfter ?? new Date(now + 86_400_000) }),
    subject: name,
    subjectPublicKeyInfo: AsnConvert.parse(publicKeyDer, SubjectPublicKeyInfo),
  });
  const signature = sign(Buffer.from(AsnConvert.serialize(tbs)));
  const cert = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: new Uint8Array(signature).buffer });
  const base64 = Buffer.from(AsnConvert.serialize(cert)).toString("base64");
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{64}/g, "$&\n")}\n-----END CERTIFICATE-----\n`;
}

export interface SnsCapture {
  host: string;
  close: () => Promise<void>;
}

export async function startSnsCapture(): Promise<SnsCapture> {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signWith = (hash: string, data: Buffer) => createSign(hash).update(data).sign(privateKey);
  const der = publicKey.export({ type: "spki", format: "der" });
  const signTbs = (tbs: Buffer) => signWith("sha256", tbs);
  const now = Date.now();
  const pem = selfSigned(der, signTbs);
  const wrongSubject = selfSigned(der, signTbs, { subject: "sns.s3-accelerate.amazonaws.com" });
  const expired = selfSigned(der, signTbs, { notBefore: new Date(now - 10 * 86_400_000), notAfter: new Date(now - 86_400_000) });
  const notYet = selfSigned(der, signTbs, { notBefore: new Date(now + 86_400_000), notAfter: new Date(now + 10 * 86_400_000) });
  const certFor = (path: string) =>
    path.includes("wrong-subject") ? wrongSubject : path.includes("expired") ? expired : path.includes("not-yet-valid") ? notYet : pem;
  const hits: Array<{ method: string; url: string }> = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://capture");
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (url.pathname === "/_hits") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(hits));
        return;
      }
      if (url.pathname === "/_sign") {
        const hash = url.searchParams.get("version") === "1" ? "sha1" : "sha256";
        res.writeHead(200, { "content-type": "text/plain" }).end(signWith(hash, Buffer.concat(chunks)).toString("base64"));
        return;
      }
      hits.push({ method: req.method ?? "GET", url: url.pathname + url.search });
      if (url.pathname.endsWith(".pem")) res.writeHead(200, { "content-type": "application/x-pem-file" }).end(certFor(url.pathname));
      else if (url.searchParams.get("Action") === "ConfirmSubscription") {
        res
          .writeHead(200, { "content-type": "text/xml" })
          .end(
            "<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>arn:aws:sns:eu-west-1:123456789012:status-page:1</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>",
          );
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref(); // never what keeps the test run alive
  const { port } = server.address() as AddressInfo;
  return { host: `127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
