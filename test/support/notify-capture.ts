// A local capture server for outbound notifications (worker tests, e2e, benchmark): it records
// every request (method, path, headers, body) and answers by path:
//   /ok/<name>…            204
//   /fail/<n>/<name>…      500 for the first n requests to that path, then 204
//   /redirect/<name>…      302 to /ok/<name> (a notifier must not follow it)
//   /slow/<ms>/<name>…     waits <ms>, then 204
// GET /_requests?prefix=/ok/x lists what arrived (JSON); DELETE /_requests forgets it all.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Captured {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface NotifyCapture {
  url: string;
  server: Server;
  requests: Captured[];
  /** Only count requests, without keeping their bodies (the benchmark's 10,000). */
  countOnly: boolean;
  count: number;
  close: () => Promise<void>;
}

export async function startNotifyCapture(port = 0): Promise<NotifyCapture> {
  const failures = new Map<string, number>();
  const state: NotifyCapture = {
    url: "",
    server: null as unknown as Server,
    requests: [],
    countOnly: false,
    count: 0,
    close: async () => {},
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://capture");
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (url.pathname === "/_requests") {
        if (req.method === "DELETE") {
          state.requests.length = 0;
          state.count = 0;
          res.writeHead(204).end();
          return;
        }
        const prefix = url.searchParams.get("prefix") ?? "";
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(state.requests.filter((r) => r.path.startsWith(prefix))));
        return;
      }
      state.count++;
      if (!state.countOnly) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : String(v ?? "");
        state.requests.push({
          method: req.method ?? "GET",
          path: url.pathname,
          headers,
          body: Buffer.concat(chunks).toString("utf8"),
          at: Date.now(),
        });
      }
      const [, mode, arg] = url.pathname.split("/");
      if (mode === "fail") {
        const seen = (failures.get(url.pathname) ?? 0) + 1;
        failures.set(url.pathname, seen);
        if (seen <= Number(arg)) {
          res.writeHead(500, { "content-type": "text/plain" }).end("capture: failing on purpose");
          return;
        }
      }
      if (mode === "redirect") {
        res.writeHead(302, { location: url.pathname.replace(/^\/redirect/, "/ok") }).end();
        return;
      }
      if (mode === "slow") {
        setTimeout(() => res.writeHead(204).end(), Number(arg));
        return;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  server.unref();
  state.server = server;
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
