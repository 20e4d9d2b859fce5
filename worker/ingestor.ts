// The Durable Object that owns ingestion for the page. Deliveries arrive in parallel; here they
// are decided one at a time (a promise chain: D1 calls are not covered by the object's input gate),
// so two first-triggers on one component can never both open an incident.
import { DurableObject } from "cloudflare:workers";
import { decisionStatements, type IntegrationRecord, loadIntegrations, loadWorkingSet } from "../db/ingest";
import type { AlertEvent } from "./domain/alert-event";
import { applyEvents, type EventOutcome } from "./domain/incidents";
import { type AdminCommand, type CommandResult, runAdminCommand, runTick, type TickResult } from "./admin/state";
import { constantTimeEqual } from "./auth";
import { purgePublicCache } from "./cache";
import type { Env } from "./env";
import { newId, nowIso } from "./ids";

export interface IngestInput {
  keyHash: string;
  /** The receiver's source, or null where any integration's key is accepted (PagerDuty endpoints). */
  source: string | null;
  events: AlertEvent[];
  receivedAt: string;
  /** Redacted and truncated, for the delivery log. */
  payload: string;
  /**
   * For senders that sign their bodies (Grafana): checked against the integration's signing secret,
   * when it has one, as hex HMAC-SHA256 of the body or of `timestamp:body`.
   */
  signed?: { signature: string | null; timestamp: string | null; body: string };
}

export type IngestResult =
  | { ok: true; deliveryId: string; integrationId: string; outcomes: EventOutcome[] }
  | { ok: false; status: 401; error: string };

const INTEGRATIONS_TTL_MS = 30_000;

export class Ingestor extends DurableObject<Env> {
  private tail: Promise<unknown> = Promise.resolve();
  private integrations: Map<string, IntegrationRecord> | null = null;
  private integrationsLoadedAt = 0;

  /** Decides and persists one delivery; resolves once it is durably in D1. */
  ingest(input: IngestInput): Promise<IngestResult> {
    return this.serialize(() => this.process(input));
  }

  /** Runs `work` in turn with deliveries: for writes that must not interleave with ingestion. */
  serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * An operator's action on what the state machine owns (incident status, overrides, maintenance,
   * alert routing): in turn with deliveries, one batch with its audit row, then the public cache purged.
   */
  adminAction(command: AdminCommand): Promise<CommandResult> {
    return this.serialize(async () => {
      const result = await runAdminCommand(this.env, command);
      if (result.ok) await purgePublicCache(this.env);
      return result;
    });
  }

  /** The cron's time-driven work (maintenance windows, auto-resolve) at `now`, in turn with deliveries. */
  tick(now: string): Promise<TickResult> {
    return this.serialize(async () => {
      const result = await runTick(this.env, now);
      if (result.started.length || result.completed.length || result.autoResolved.length) await purgePublicCache(this.env);
      return result;
    });
  }

  /** Forget cached integrations: called after an operator changes one. */
  invalidate(): void {
    this.integrations = null;
  }

  private async integration(keyHash: string): Promise<IntegrationRecord | undefined> {
    if (!this.integrations || Date.now() - this.integrationsLoadedAt > INTEGRATIONS_TTL_MS) {
      const all = await loadIntegrations(this.env.DB);
      this.integrations = new Map(all.map((i) => [i.keyHash, i]));
      this.integrationsLoadedAt = Date.now();
    }
    return this.integrations.get(keyHash);
  }

  private async process(input: IngestInput): Promise<IngestResult> {
    const integration = await this.integration(input.keyHash);
    if (!integration || integration.disabled) {
      return { ok: false, status: 401, error: "unknown or disabled integration key" };
    }
    if (input.source && integration.source !== input.source) {
      return {
        ok: false,
        status: 401,
        error: `this key belongs to a ${integration.source} integration; post to /hooks/${integration.source}/<key>`,
      };
    }
    if (integration.signingSecret) {
      const valid = input.signed && (await verifySignature(integration.signingSecret, input.signed));
      if (!valid) return { ok: false, status: 401, error: "missing or invalid body signature" };
    }
    const db = this.env.DB;
    const slugs = [...new Set(input.events.map((e) => e.tags["service"]?.toLowerCase()).filter((s): s is string => !!s))];
    const { ws, routing } = await loadWorkingSet(
      db,
      integration.id,
      [...new Set(input.events.map((e) => e.dedupKey))],
      slugs,
    );
    const now = nowIso();
    const decision = applyEvents(ws, routing, input.events, { now, newId });
    const summary: Record<string, number> = {};
    for (const o of decision.outcomes) summary[o] = (summary[o] ?? 0) + 1;
    const deliveryId = newId();
    await db.batch(
      decisionStatements(db, ws, decision, now, {
        id: deliveryId,
        integrationId: integration.id,
        source: integration.source,
        receivedAt: input.receivedAt,
        outcome: "accepted",
        httpStatus: 202,
        eventCount: input.events.length,
        summary,
        error: null,
        payload: input.payload,
      }),
    );
    if (decision.alerts.size) await purgePublicCache(this.env);
    return { ok: true, deliveryId, integrationId: integration.id, outcomes: decision.outcomes };
  }
}

async function verifySignature(secret: string, signed: NonNullable<IngestInput["signed"]>): Promise<boolean> {
  if (!signed.signature) return false;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const message = signed.timestamp ? `${signed.timestamp}:${signed.body}` : signed.body;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
  const expected = [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
  return constantTimeEqual(expected, signed.signature.trim().toLowerCase());
}

export function ingestor(env: Env): DurableObjectStub<Ingestor> {
  return env.INGESTOR.get(env.INGESTOR.idFromName("page"));
}
