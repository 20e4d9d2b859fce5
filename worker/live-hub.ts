// The hub that tells open tabs their page changed, so they refetch it at once instead of on their next
// 30 s poll (site/public/live.js). One Durable Object per page and shard holds readers' WebSockets with
// the hibernation API (`acceptWebSocket`): between changes no code of it runs and it is billed no
// duration, and the tabs' keep-alive pings are answered by the runtime (`setWebSocketAutoResponse`)
// without waking it. A shard holds at most SHARD_MAX_SOCKETS; the route (worker/live.ts) picks one by a
// hash of the connection and tries the next when one is full. A change is one call per shard
// (`changed`), which sends every socket the same few bytes: no page data goes over the socket, so a
// private page's socket tells a stranger nothing (and the route lets in only its readers).
import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env";

/** The most sockets one shard holds; past it the route tries another shard, then answers 503 (the tab polls). */
export const SHARD_MAX_SOCKETS = 10_000;
/** What every tab of the page gets when it changed. */
export const CHANGED = "changed";

export class LiveHub extends DurableObject<Env> {
  /** Public for tests (runInDurableObject), which lower it. */
  maxSockets = SHARD_MAX_SOCKETS;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Keep-alives cost nothing: answered without waking the object, and not billed.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** A tab's WebSocket upgrade, forwarded by the route; `tag` is the page and the tab's language. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    if (this.ctx.getWebSockets().length >= this.maxSockets) return new Response("this hub shard is full", { status: 503 });
    const tag = new URL(request.url).searchParams.get("tag") ?? "";
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, tag ? [tag] : []);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** The page changed: every tab held here (or only those of one tag) gets CHANGED. Returns how many. */
  changed(tag?: string): number {
    let sent = 0;
    for (const ws of this.ctx.getWebSockets(tag)) {
      try {
        ws.send(CHANGED);
        sent++;
      } catch {
        // closing meanwhile: its tab reconnects, and refetches when it does
      }
    }
    return sent;
  }

  /** How many tabs this shard holds (or of one tag). */
  sockets(tag?: string): number {
    return this.ctx.getWebSockets(tag).length;
  }

  // Tabs send only "ping", answered by the runtime; anything else needs no answer.
  override webSocketMessage(): void {}

  override webSocketClose(ws: WebSocket, code: number): void {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // already closed
    }
  }

  override webSocketError(): void {}
}
