// A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`) for the e2e tests: started
// on loopback with a generated config, fed through its own API, read through its own metrics.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error plain ESM helper shared with npm start
import { freePort } from "../../scripts/lib.mjs";

export interface AlertmanagerReceivers {
  /** webhook_configs url; the key goes in http_config.authorization when `bearer` is given. */
  webhookUrl: string;
  bearer?: string;
  /** pagerduty_configs url and routing_key. */
  pagerdutyUrl: string;
  routingKey: string;
}

export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

export interface RunningAlertmanager {
  url: string;
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  /** The sum of a counter over the series whose labels include `labels`. */
  counter(name: string, labels?: Record<string, string>): Promise<number>;
  output(): string;
  stop(): void;
}

/** The config the README documents: one receiver with both a webhook and a PagerDuty integration. */
export function alertmanagerConfig(r: AlertmanagerReceivers): string {
  const auth = r.bearer ? `\n        http_config:\n          authorization:\n            credentials: ${r.bearer}` : "";
  return `global:
  resolve_timeout: 1m
route:
  receiver: statuspage
  group_by: ['alertname', 'service']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: statuspage
    webhook_configs:
      - url: ${r.webhookUrl}
        send_resolved: true${auth}
    pagerduty_configs:
      - url: ${r.pagerdutyUrl}
        routing_key: ${r.routingKey}
        send_resolved: true
        severity: '{{ .CommonLabels.severity }}'
        details:
          service: '{{ .CommonLabels.service }}'
`;
}

function binary(): string {
  for (const candidate of [process.env.ALERTMANAGER_BIN, "/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager"]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  throw new Error("prometheus-alertmanager is not installed: apt-get install -y prometheus-alertmanager (.ci/run does)");
}

/**
 * The Watchdog route docs/senders/heartbeat.md documents: the always-firing alert on its own route,
 * re-sent often, to a webhook receiver with the key as bearer token.
 */
export function watchdogConfig(webhookUrl: string, bearer: string, repeatInterval = "1m"): string {
  return `route:
  receiver: statuspage
  routes:
    - matchers: ['alertname = "Watchdog"']
      receiver: statuspage
      group_wait: 0s
      group_interval: 1m
      repeat_interval: ${repeatInterval}
receivers:
  - name: statuspage
    webhook_configs:
      - url: ${webhookUrl}
        send_resolved: true
        http_config:
          authorization:
            credentials: ${bearer}
`;
}

/** Starts Alertmanager with the README's receivers, or with the YAML given. */
export async function startAlertmanager(receivers: AlertmanagerReceivers | { yaml: string }): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), "status-alertmanager-"));
  const config = join(dir, "alertmanager.yml");
  writeFileSync(config, "yaml" in receivers ? receivers.yaml : alertmanagerConfig(receivers));
  const port: number = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary(),
    [
      `--config.file=${config}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=", // no gossip: a single, private instance
      "--log.level=debug",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`alertmanager did not become ready within 15 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    output: () => output,
    stop,
    async postAlerts(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(alerts),
      });
      if (!res.ok) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    async counter(name, labels = {}) {
      const text = await (await fetch(`${url}/metrics`)).text();
      let sum = 0;
      for (const line of text.split("\n")) {
        const m = /^(\w+)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
        if (!m || m[1] !== name) continue;
        const series = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
        if (Object.entries(labels).every(([k, v]) => series[k] === v)) sum += Number(m[3]);
      }
      return sum;
    },
  };
}
