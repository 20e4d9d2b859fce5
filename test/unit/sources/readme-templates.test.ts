// The senders' templates, taken from their guides (docs/senders/<sender>.md) and filled the way each tool fills them:
// Datadog's `$VARIABLES` (JSON-escaped text), Uptrends' `{{@…}}` (inserted as is, JsonEncode escaping),
// Checkly's Handlebars (its own helper package), Zabbix's media-type script (run against a stand-in for
// Zabbix's HttpRequest). A template that does not produce the events a user expects fails here.
import checklyHandlebars from "@checkly/handlebars";
import { describe, expect, it } from "vitest";
import checklyGuide from "../../../docs/senders/checkly.md?raw";
import datadogGuide from "../../../docs/senders/datadog.md?raw";
import uptimerobotGuide from "../../../docs/senders/uptimerobot.md?raw";
import uptrendsGuide from "../../../docs/senders/uptrends.md?raw";
import zabbixGuide from "../../../docs/senders/zabbix.md?raw";
import { fromCheckly } from "../../../worker/sources/checkly";
import { fromDatadog } from "../../../worker/sources/datadog";
import { fromGeneric } from "../../../worker/sources/generic";
import { fromUptimeRobot } from "../../../worker/sources/uptimerobot";
import { fromUptrends } from "../../../worker/sources/uptrends";
import { fromZabbix } from "../../../worker/sources/zabbix";
import checklyFixture from "../../fixtures/checkly/webhook-template.hbs?raw";
import zabbixProblem from "../../fixtures/zabbix/problem.json";
import zabbixRecovery from "../../fixtures/zabbix/recovery.json";
import { eventsOf, testOf } from "./adapt";

const receivedAt = new Date("2025-11-20T12:00:00.000Z");
const codeBlocks = (text: string, lang: string) => [...text.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, "g"))].map((m) => m[1]!);
const between = (guide: string, marker: string) => guide.slice(guide.indexOf(`<!-- ${marker}:start -->`), guide.indexOf(`<!-- ${marker}:end -->`));

describe("Datadog: the three templates, filled as Datadog fills them", () => {
  const templates = codeBlocks(datadogGuide, "json");
  // Datadog substitutes text, JSON-escaped, inside the quotes the template puts around each variable.
  const values: Record<string, string> = {
    EVENT_TITLE: '[Triggered on {host:web-2}] CPU "high" on web-2',
    EVENT_MSG: "%%%\nCPU above 90%\n%%%",
    DATE: "1763633702000",
    ID: "8264390174520688399",
    ALERT_ID: "12345678",
    ALERT_CYCLE_KEY: "7418529630147258369",
    ALERT_SCOPE: "host:web-2",
    ALERT_TRANSITION: "Triggered",
    ALERT_TYPE: "warning",
    ALERT_TITLE: 'CPU "high" on web-2',
    TAGS: "env:prod,host:web-2,service:web",
    LINK: "https://app.datadoghq.com/event/event?id=8264390174520688399",
    LAST_UPDATED: "2025-11-20T10:15:02.000Z",
  };
  const fill = (template: string) => template.replace(/\$([A-Z_]+)/g, (_, name: string) => JSON.stringify(values[name] ?? "").slice(1, -1));

  it("has the recommended template and both guide templates", () => {
    expect(templates).toHaveLength(3);
    expect(templates[0]).toContain("$ALERT_CYCLE_KEY");
    expect(templates[0]).toContain("$ALERT_SCOPE");
    expect(templates[0]).toContain("$ALERT_TYPE");
  });

  it.each([
    ["recommended", 0, "7418529630147258369", "warning"],
    ["iLert's", 1, "12345678:host:web-2", "error"], // no $ALERT_TYPE: every trigger is an error
    ["StackPulse's", 2, "7418529630147258369", "warning"],
  ])("%s template → one trigger, grouped per host", (_, index, dedupKey, severity) => {
    const [event] = eventsOf(fromDatadog(JSON.parse(fill(templates[index]!)), receivedAt));
    expect(event).toMatchObject({ dedupKey, action: "trigger", severity, summary: 'CPU "high" on web-2' });
  });
});

describe("Uptrends: the template, filled as Uptrends fills it", () => {
  const [template] = codeBlocks(uptrendsGuide, "json");
  const values: Record<string, string> = {
    "alert.type": "Alert",
    "incident.key": "7d1e4c5a-3b2f-4e8d-9a6c-1f0b2e3d4c5a",
    "monitor.monitorGuid": "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    "monitor.name": 'Shop "EU" \\ checkout',
    "alert.description": "HTTP 503\r\nService Unavailable",
    "alert.timestampUtc": "2025-11-20T10:15:02",
    "alert.firstErrorUtc": "2025-11-20T10:13:02",
    "monitor.url": "https://shop.example.com/checkout",
  };
  // JsonEncode escapes and adds no quotes; a bare variable is inserted as it is.
  const fill = (t: string) =>
    t
      .replace(/\{\{@JsonEncode\(\{\{@([\w.]+)\}\}\)\}\}/g, (_, name: string) => JSON.stringify(values[name]).slice(1, -1))
      .replace(/\{\{@([\w.]+)\}\}/g, (_, name: string) => values[name]!);

  it("writes every variable in double curly braces, text ones through JsonEncode", () => {
    expect(template).not.toMatch(/"@[a-z]/);
    for (const name of ["monitor.name", "alert.description"]) expect(template).toContain(`{{@JsonEncode({{@${name}}})}}`);
  });

  it("gives valid JSON and the alert, even with quotes, backslashes and line breaks in the text", () => {
    const [event] = fromUptrends(JSON.parse(fill(template!)), receivedAt);
    expect(event).toMatchObject({
      dedupKey: "7d1e4c5a-3b2f-4e8d-9a6c-1f0b2e3d4c5a",
      action: "trigger",
      summary: "HTTP 503 Service Unavailable",
      monitor: { name: 'Shop "EU" \\ checkout' },
      occurredAt: new Date("2025-11-20T10:15:02.000Z"),
    });
  });
});

describe("Checkly: the webhook template, rendered by Checkly's own Handlebars package", () => {
  const [template] = codeBlocks(between(checklyGuide, "checkly-template"), "handlebars");
  const render = checklyHandlebars.compile(template);
  const base = {
    CHECK_NAME: "Checkout API",
    CHECK_ID: "8a1f7c2e-4b3d-4e5f-9a6b-7c8d9e0f1a2b",
    CHECK_TYPE: "API",
    CHECK_ERROR_MESSAGE: "Timeout of 30000ms exceeded",
    RUN_LOCATION: "Frankfurt",
    RESULT_LINK: "https://app.checklyhq.com/checks/8a1f7c2e/results/c0ffee00",
    STARTED_AT: "2025-11-20T10:15:02.000Z",
    TAGS: ["production", "service:payments"],
  };
  const adapt = (vars: Record<string, unknown>) => fromGeneric(JSON.parse(render({ ...base, ...vars })), receivedAt)[0]!;

  it("is the template the fixtures were rendered from", () => {
    expect(template).toBe(checklyFixture);
  });

  it.each([
    ["ALERT_FAILURE", "trigger", "critical"],
    ["ALERT_DEGRADED", "trigger", "warning"],
    ["ALERT_RECOVERY", "resolve", "critical"],
    ["ALERT_DEGRADED_RECOVERY", "resolve", "critical"],
    ["ALERT_SSL", "trigger", "info"],
  ])("%s → %s (%s), by check, routed by its service tag", (type, action, severity) => {
    expect(adapt({ ALERT_TYPE: type })).toMatchObject({
      dedupKey: `checkly-${base.CHECK_ID}`,
      action,
      severity,
      tags: { service: "payments" },
      monitor: { id: base.CHECK_ID, name: "Checkout API" },
      occurredAt: new Date(base.STARTED_AT),
    });
  });

  it("stays valid JSON with quotes in the check's name and error", () => {
    expect(adapt({ ALERT_TYPE: "ALERT_FAILURE", CHECK_NAME: 'Shop "EU"', CHECK_ERROR_MESSAGE: 'expected "ok"' }).action).toBe("trigger");
  });
});

describe("Checkly (native): its guide's template, rendered by Checkly's own Handlebars package", () => {
  const [template] = codeBlocks(between(checklyGuide, "checkly-native-template"), "handlebars");
  const vars = {
    ALERT_TYPE: "ALERT_FAILURE",
    CHECK_ID: "8a1f7c2e-4b3d-4e5f-9a6b-7c8d9e0f1a2b",
    CHECK_NAME: "Checkout API",
    CHECK_TYPE: "API",
    CHECK_ERROR_MESSAGE: "Timeout of 30000ms exceeded",
    RUN_LOCATION: "Frankfurt",
    RESULT_LINK: "https://app.checklyhq.com/checks/8a1f7c2e/results/c0ffee00",
    STARTED_AT: "2025-11-20T10:15:02.000Z",
    TAGS: ["service:payments", "prod"],
  };

  it("uses no helper Checkly lacks (it has no stringify)", () => {
    expect(template).toBeDefined();
    expect(template).not.toMatch(/stringify/);
  });

  it('renders valid JSON, "tags" as the comma list Checkly makes of {{TAGS}}', () => {
    const body = JSON.parse(checklyHandlebars.compile(template)(vars));
    expect(body.tags).toBe("service:payments,prod");
  });

  it("gives the check's alert, routed by its service tag", () => {
    const [event] = eventsOf(fromCheckly(JSON.parse(checklyHandlebars.compile(template)(vars)), receivedAt));
    expect(event).toMatchObject({ dedupKey: `check-${vars.CHECK_ID}`, action: "trigger", severity: "critical", tags: { service: "payments", prod: "" } });
  });
});

describe("UptimeRobot: its guide's POST value, filled as UptimeRobot fills it", () => {
  const postValue = /`(\{[^`]+\})`/.exec(between(uptimerobotGuide, "uptimerobot-post-value"))![1]!;
  const values: Record<string, string> = {
    monitorID: "777712345",
    monitorURL: "https://shop.example.com",
    monitorFriendlyName: "Shop",
    alertType: "1",
    alertTypeFriendlyName: "Down",
    alertDetails: "Connection Timeout",
    alertDateTime: "1763633702",
  };
  const fill = (t: string) => t.replace(/\*([A-Za-z]+)\*/g, (_, name: string) => values[name] ?? `*${name}*`);

  it("is valid JSON once filled, and a down of that monitor", () => {
    expect(eventsOf(fromUptimeRobot(JSON.parse(fill(postValue)), receivedAt))).toMatchObject([
      { dedupKey: "monitor-777712345", action: "trigger", summary: "Shop is down", details: "Connection Timeout" },
    ]);
  });
});

describe("Zabbix: the media-type script and parameters, run as Zabbix runs them", () => {
  const [script] = codeBlocks(between(zabbixGuide, "zabbix-script"), "js");
  const parameters = [...between(zabbixGuide, "zabbix-parameters").matchAll(/^\| `([^`]+)` \| `?([^`|]*?)`? \|$/gm)].map((m) => [m[1]!, m[2]!] as const);

  /** Zabbix resolves each parameter's macros, then calls the script with them as JSON in `value`. */
  function run(resolve: (macro: string) => string, status = 202) {
    const sent: Array<{ url: string; body: string; headers: string[] }> = [];
    class HttpRequest {
      headers: string[] = [];
      addHeader(h: string) {
        this.headers.push(h);
      }
      setProxy() {}
      post(url: string, body: string) {
        sent.push({ url, body, headers: this.headers });
        return '{"status":"accepted"}';
      }
      getStatus() {
        return status;
      }
    }
    const value = JSON.stringify(
      Object.fromEntries(
        parameters.map(([name, macro]) => [
          name,
          name === "statuspage_url" ? "https://status.test/hooks/zabbix/k" : name === "HTTPProxy" ? "" : resolve(macro),
        ]),
      ),
    );
    const result = new Function("value", "HttpRequest", "Zabbix", script!)(value, HttpRequest, { log() {} });
    return { result, sent };
  }
  // The fixtures hold what the macros resolve to, under the parameter names.
  const byMacro = (fixture: Record<string, string>) => (macro: string) => {
    const name = parameters.find(([, m]) => m === macro)?.[0];
    return name && name in fixture ? fixture[name]! : macro;
  };

  it("posts the parameters as JSON to statuspage_url, without the URL or proxy", () => {
    const { result, sent } = run(byMacro(zabbixProblem));
    expect(result).toBe("OK");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe("https://status.test/hooks/zabbix/k");
    expect(sent[0]!.headers).toEqual(["Content-Type: application/json"]);
    const body = JSON.parse(sent[0]!.body);
    expect(body).not.toHaveProperty("statuspage_url");
    expect(body).toEqual(Object.fromEntries(Object.entries(zabbixProblem).filter(([k]) => parameters.some(([n]) => n === k))));
    expect(eventsOf(fromZabbix(body, receivedAt))[0]).toMatchObject({ dedupKey: "5120934", action: "trigger", tags: { service: "api" } });
  });

  it("its recovery resolves the same alert", () => {
    const body = JSON.parse(run(byMacro(zabbixRecovery)).sent[0]!.body);
    expect(eventsOf(fromZabbix(body, receivedAt))[0]).toMatchObject({ dedupKey: "5120934", action: "resolve" });
  });

  it("the media type's Test button (macros left as typed) is recognised as Zabbix's test, which the script reports OK", () => {
    const body = JSON.parse(run((macro) => macro).sent[0]!.body);
    expect(testOf(fromZabbix(body, receivedAt))).toMatch(/Zabbix media type test/);
    expect(run((m) => m, 200).result).toBe("OK");
  });
});
