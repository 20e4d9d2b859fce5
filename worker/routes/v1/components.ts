// /v1/pages/:page_id/components and /component-groups: Statuspage's component CRUD over the admin's own
// actions (worker/admin/catalog.ts), so a component made here is the same as one made in admin, audit
// row included. A status set here is the operator's override; `operational` clears it, so the
// component follows its alerts again.
import { type Context, Hono } from "hono";
import { componentsOnPage, pageOf } from "../../../db/v1";
import { createComponent, createGroup, deleteComponent, deleteGroup, overrideComponent, updateComponent, updateGroup } from "../../admin/catalog";
import { HttpError } from "../../errors";
import { type V1Env, v1Ctx } from "../../v1/context";
import { componentCreate, componentPatch, groupCreate, groupPatch, type V1ComponentBody, type V1GroupBody } from "../../v1/schemas";
import { v1Component, v1Group } from "../../v1/shapes";
import { json } from "../../validate";

export const components = new Hono<V1Env>();

const list = (c: Context<V1Env>) => componentsOnPage(c.env.DB, c.get("target").page, c.get("target").pageId);

async function one(c: Context<V1Env>, kind: "component" | "group", id: string) {
  const found = (await list(c)).find((x) => x.id === id && x.group === (kind === "group"));
  if (!found) throw new HttpError(404, `The requested resource could not be found: no ${kind === "group" ? "component group" : "component"} ${id}`);
  return found;
}

/** A component or group of another page (or none) is not found here, before anything is written. */
async function onThisPage(c: Context<V1Env>, kind: "component" | "group", id: string) {
  if ((await pageOf(c.env.DB, kind, id)) !== c.get("target").page)
    throw new HttpError(404, `The requested resource could not be found: no ${kind === "group" ? "component group" : "component"} ${id}`);
}

async function groupOnThisPage(c: Context<V1Env>, groupId: string | null | undefined) {
  if (groupId && (await pageOf(c.env.DB, "group", groupId)) !== c.get("target").page)
    throw new HttpError(400, "`component.group_id` does not name a component group of this page", "component.group_id");
}

async function applyStatus(c: Context<V1Env>, id: string, status: V1ComponentBody["status"]) {
  if (status === undefined) return;
  await overrideComponent(v1Ctx(c), id, status === "operational" ? null : status);
}

components.get("/components", async (c) => c.json((await list(c)).filter((x) => !x.group).map(v1Component)));

components.post("/components", ...json(componentCreate), async (c) => {
  const { component: body } = c.req.valid("json");
  await groupOnThisPage(c, body.group_id);
  const made = await createComponent(v1Ctx(c), {
    name: body.name,
    description: body.description,
    group_id: body.group_id,
    only_show_if_degraded: body.only_show_if_degraded,
  });
  await applyStatus(c, made.id, body.status);
  return c.json(v1Component(await one(c, "component", made.id)), 201);
});

components.get("/components/:id", async (c) => c.json(v1Component(await one(c, "component", c.req.param("id")))));

const patchComponent = async (c: Context<V1Env>, body: V1ComponentBody) => {
  const id = c.req.param("id")!;
  await onThisPage(c, "component", id);
  await groupOnThisPage(c, body.group_id);
  const { status, showcase: _shown, start_date: _start, ...fields } = body;
  if (Object.values(fields).some((v) => v !== undefined)) await updateComponent(v1Ctx(c), id, fields);
  await applyStatus(c, id, status);
  return c.json(v1Component(await one(c, "component", id)));
};
components.patch("/components/:id", ...json(componentPatch), (c) => patchComponent(c, c.req.valid("json").component));
components.put("/components/:id", ...json(componentPatch), (c) => patchComponent(c, c.req.valid("json").component));

// Statuspage answers a deleted component with 204 and no body. One still used (open incidents, links) is refused, naming what uses it.
components.delete("/components/:id", async (c) => {
  const id = c.req.param("id");
  await onThisPage(c, "component", id);
  await deleteComponent(v1Ctx(c), id);
  return c.body(null, 204);
});

// ── Component groups ────────────────────────────────────────────────────────

components.get("/component-groups", async (c) => c.json((await list(c)).filter((x) => x.group).map(v1Group)));

/** The members named must be components of this page; each moves into the group (and the ones left out of it, to the top level). */
async function setMembers(c: Context<V1Env>, groupId: string, members: string[] | undefined) {
  if (members === undefined) return;
  const all = (await list(c)).filter((x) => !x.group);
  const ctx = v1Ctx(c);
  for (const comp of all) {
    const inside = members.includes(comp.id);
    if (inside && comp.group_id !== groupId) await updateComponent(ctx, comp.id, { group_id: groupId });
    if (!inside && comp.group_id === groupId) await updateComponent(ctx, comp.id, { group_id: null });
  }
}

async function checkMembers(c: Context<V1Env>, members: string[] | undefined) {
  if (!members) return;
  const known = new Set((await list(c)).filter((x) => !x.group).map((x) => x.id));
  const at = members.findIndex((id) => !known.has(id));
  if (at >= 0) throw new HttpError(400, `\`component_group.components[${at}]\` is not a component of this page`, `component_group.components[${at}]`);
}

components.post("/component-groups", ...json(groupCreate), async (c) => {
  const body = c.req.valid("json");
  await checkMembers(c, body.component_group.components);
  const group = await createGroup(v1Ctx(c), { name: body.component_group.name, description: body.component_group.description ?? body.description });
  await setMembers(c, group.id, body.component_group.components);
  return c.json(v1Group(await one(c, "group", group.id)), 201);
});

components.get("/component-groups/:id", async (c) => c.json(v1Group(await one(c, "group", c.req.param("id")))));

const patchGroup = async (c: Context<V1Env>, body: V1GroupBody) => {
  const id = c.req.param("id")!;
  await onThisPage(c, "group", id);
  await checkMembers(c, body.component_group.components);
  const description = body.component_group.description !== undefined ? body.component_group.description : body.description;
  if (body.component_group.name !== undefined || description !== undefined) await updateGroup(v1Ctx(c), id, { name: body.component_group.name, description });
  await setMembers(c, id, body.component_group.components);
  return c.json(v1Group(await one(c, "group", id)));
};
components.patch("/component-groups/:id", ...json(groupPatch), (c) => patchGroup(c, c.req.valid("json")));
components.put("/component-groups/:id", ...json(groupPatch), (c) => patchGroup(c, c.req.valid("json")));

// Statuspage answers a deleted group with the group; its components stay, at the top level.
components.delete("/component-groups/:id", async (c) => {
  const id = c.req.param("id");
  const group = v1Group(await one(c, "group", id));
  await deleteGroup(v1Ctx(c), id);
  return c.json(group);
});
