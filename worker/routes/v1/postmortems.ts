// /v1/pages/:page_id/incidents/:incident_id/postmortem: Statuspage's postmortem calls over the admin's
// own postmortem actions (worker/admin/postmortems.ts, decided by the Ingestor, audited, notified once).
import { Hono } from "hono";
import { deletePostmortem, getPostmortem, publishPostmortem, savePostmortem } from "../../admin/postmortems";
import { HttpError } from "../../errors";
import { type V1Env, v1Ctx } from "../../v1/context";
import { postmortemPublish, postmortemPut } from "../../v1/schemas";
import { v1Postmortem } from "../../v1/shapes";
import { json } from "../../validate";

export const postmortems = new Hono<V1Env>();

const path = "/incidents/:id/postmortem";

postmortems.get(path, async (c) => {
  const p = await getPostmortem(v1Ctx(c), c.req.param("id"));
  if (p.body === null) throw new HttpError(404, `The requested resource could not be found: incident ${c.req.param("id")} has no postmortem`);
  return c.json(v1Postmortem(p));
});
postmortems.put(path, ...json(postmortemPut), async (c) =>
  c.json(v1Postmortem(await savePostmortem(v1Ctx(c), c.req.param("id"), { body: c.req.valid("json").postmortem.body_draft }))),
);
postmortems.put(`${path}/publish`, ...json(postmortemPublish), async (c) =>
  c.json(v1Postmortem(await publishPostmortem(v1Ctx(c), c.req.param("id"), c.req.valid("json").postmortem?.notify_subscribers === true))),
);
// This page keeps one text per postmortem, so a published one cannot go back to a draft beside it.
postmortems.put(`${path}/revert`, async () => {
  throw new HttpError(
    400,
    "reverting is not supported here: a published postmortem's text is edited in place (PUT the postmortem), or DELETE it",
    "postmortem",
  );
});
postmortems.delete(path, async (c) => {
  await deletePostmortem(v1Ctx(c), c.req.param("id"));
  return c.body(null, 204);
});
