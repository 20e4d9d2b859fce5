// The ingest baseline: the least a webhook receiver can do — store the raw body in one D1 table.
// Same runtime (workerd via wrangler dev), same local D1, so the ratio measures our own overhead.
interface Env {
  DB: D1Database;
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    if (req.method !== "POST") return new Response("baseline", { status: 200 });
    const body = await req.text();
    await env.DB.prepare("INSERT INTO raw_deliveries (received_at, path, body) VALUES (?1, ?2, ?3)")
      .bind(new Date().toISOString(), new URL(req.url).pathname, body)
      .run();
    return Response.json({ status: "accepted" }, { status: 202 });
  },
} satisfies ExportedHandler<Env>;
