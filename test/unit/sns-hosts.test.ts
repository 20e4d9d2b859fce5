// SNS certificates and subscription confirmations only from sns.<region>.<partition domain>.
import { describe, expect, it } from "vitest";
import { snsUrl } from "../../worker/sources/sns";

describe("snsUrl: the SNS hosts of every AWS partition, nothing else", () => {
  it("accepts sns.<region> on the partitions' domains", () => {
    for (const url of [
      "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
      "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem",
      "https://sns.ap-southeast-2.amazonaws.com/x.pem",
      "https://sns.us-gov-west-1.amazonaws.com/x.pem",
      "https://sns.cn-north-1.amazonaws.com.cn/x.pem",
      "https://sns.cn-northwest-1.amazonaws.com.cn/x.pem",
      "https://sns.us-iso-east-1.c2s.ic.gov/x.pem",
      "https://sns.us-isob-east-1.sc2s.sgov.gov/x.pem",
    ])
      expect(snsUrl(url, [])?.href, url).toBe(url);
  });

  it("refuses S3 and other hosts that merely look like SNS", () => {
    for (const url of [
      "https://sns.s3-accelerate.amazonaws.com/x.pem",
      "https://sns.s3.amazonaws.com/x.pem",
      "https://sns.s3-website-us-east-1.amazonaws.com/x.pem",
      "https://sns.execute-api.amazonaws.com/x.pem",
      "https://sns.evil-bucket.amazonaws.com/x.pem",
      "https://sns.us-east-1.amazonaws.com.evil.example/x.pem",
      "https://evil.sns.us-east-1.amazonaws.com/x.pem",
      "https://sns.us-east-1.amazonaws.com:8443/x.pem",
      "http://sns.us-east-1.amazonaws.com/x.pem",
      "https://u:p@sns.us-east-1.amazonaws.com/x.pem",
    ])
      expect(snsUrl(url, []), url).toBeNull();
  });
});
