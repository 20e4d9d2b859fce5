// The email fan-out baseline: the same emails sent through the same local Email binding in a bare loop,
// `concurrency` at a time, with nothing else around them (no queue, no D1, no formatting).
interface Env {
  EMAIL: SendEmail;
}

interface Job {
  n: number;
  concurrency: number;
  from: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    if (req.method !== "POST") return new Response("baseline-email", { status: 200 });
    const job = (await req.json()) as Job;
    let next = 0;
    let sent = 0;
    const worker = async () => {
      while (next < job.n) {
        const i = next++;
        await env.EMAIL.send({
          from: job.from,
          to: `bare${i}@example.com`,
          subject: job.subject,
          text: job.text,
          ...(job.html ? { html: job.html } : {}),
          ...(job.headers ? { headers: job.headers } : {}),
        });
        sent++;
      }
    };
    await Promise.all(Array.from({ length: job.concurrency }, worker));
    return Response.json({ sent });
  },
} satisfies ExportedHandler<Env>;
