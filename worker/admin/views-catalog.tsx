// The components page: components and groups, their order, and the forms that make them.
import type { FC } from "hono/jsx";
import type { ComponentJson, GroupJson } from "./catalog";
import { type Common, Field, Head, Layout, PostForm, Status } from "./layout";

/** Deleting needs a ticked box as well as the click: two deliberate steps, no script. */
const DeleteForm: FC<{ action: string; what: string; force?: boolean }> = ({ action, what, force }) => (
  <PostForm action={action} class="inline">
    <label>
      <input type="checkbox" name="confirm" value="yes" required /> sure
    </label>
    {force && (
      <label title="Also when open incidents, maintenance, links or integrations use it: it is removed from them">
        <input type="checkbox" name="force" value="true" /> even if in use
      </label>
    )}
    <button type="submit" class="danger" aria-label={`delete ${what}`}>
      Delete
    </button>
  </PostForm>
);

const MoveForms: FC<{ base: string }> = ({ base }) => (
  <span class="row">
    <PostForm action={`${base}/move`} class="inline">
      <input type="hidden" name="direction" value="up" />
      <button type="submit" aria-label="move up" title="move up">
        ↑
      </button>
    </PostForm>
    <PostForm action={`${base}/move`} class="inline">
      <input type="hidden" name="direction" value="down" />
      <button type="submit" aria-label="move down" title="move down">
        ↓
      </button>
    </PostForm>
  </span>
);

const GroupSelect: FC<{ groups: GroupJson[]; value: string | null }> = ({ groups, value }) => (
  <select name="group_id" aria-label="group">
    <option value="">no group</option>
    {groups.map((g) => (
      <option value={g.id} selected={g.id === value}>
        {g.name}
      </option>
    ))}
  </select>
);

export const ComponentsPage: FC<Common & { components: ComponentJson[]; groups: GroupJson[] }> = ({ actor, flash, components, groups }) => {
  const members = (groupId: string | null) => components.filter((c) => c.group_id === groupId);
  const row = (c: ComponentJson) => (
    <tr data-component={c.id}>
      <td>
        <PostForm action={`/admin/components/${c.id}`} class="inline">
          <input type="text" name="name" value={c.name} required maxlength={120} aria-label="name" />
          <input type="text" name="slug" value={c.slug} required size={12} aria-label="slug" />
          <input type="text" name="description" value={c.description ?? ""} placeholder="description" aria-label="description" />
          <GroupSelect groups={groups} value={c.group_id} />
          <input type="number" name="position" value={String(c.position)} min={0} style="width:5em" aria-label="position" />
          <label title="Statuspage's only_show_if_degraded: hidden from the public page while operational">
            <input type="checkbox" name="only_show_if_degraded" value="yes" checked={c.only_show_if_degraded} /> only when not operational
          </label>
          <button type="submit">Save</button>
        </PostForm>
      </td>
      <td>
        <Status status={c.status} />
      </td>
      <td>
        <MoveForms base={`/admin/components/${c.id}`} />
      </td>
      <td>
        <DeleteForm action={`/admin/components/${c.id}/delete`} what={c.name} force />
      </td>
    </tr>
  );
  const top = [
    ...groups.map((g) => ({ position: g.position, group: g as GroupJson | null, component: null as ComponentJson | null })),
    ...members(null).map((c) => ({ position: c.position, group: null, component: c })),
  ].sort((a, b) => a.position - b.position);
  return (
    <Layout title="Components" actor={actor} flash={flash} active="/admin/components">
      <p class="muted">Groups and ungrouped components share the top-level order; a group's components are ordered within it.</p>
      <section>
        <table>
          <Head columns={["Name · slug · description · group · position", "Status", "Order", ""]} />
          <tbody>
            {top.map((t) =>
              t.group ? (
                <>
                  <tr data-group={t.group.id} style="background:#f6f7f9">
                    <td>
                      <PostForm action={`/admin/groups/${t.group.id}`} class="inline">
                        <strong>Group</strong>
                        <input type="text" name="name" value={t.group.name} required maxlength={120} aria-label="group name" />
                        <input type="text" name="description" value={t.group.description ?? ""} placeholder="description" aria-label="group description" />
                        <input type="number" name="position" value={String(t.group.position)} min={0} style="width:5em" aria-label="group position" />
                        <button type="submit">Save</button>
                      </PostForm>
                    </td>
                    <td></td>
                    <td>
                      <MoveForms base={`/admin/groups/${t.group.id}`} />
                    </td>
                    <td>
                      <DeleteForm action={`/admin/groups/${t.group.id}/delete`} what={`group ${t.group.name}`} />
                    </td>
                  </tr>
                  {members(t.group.id).map(row)}
                </>
              ) : (
                row(t.component!)
              ),
            )}
          </tbody>
        </table>
      </section>
      <div class="grid2">
        <section>
          <h2>New component</h2>
          <PostForm action="/admin/components" class="stack">
            <Field label="Name" name="name" required maxlength={120} />
            <Field label="Slug" name="slug" placeholder="from the name" unit={<span class="muted">(a `service:&lt;slug&gt;` tag routes to it)</span>} />
            <Field label="Description" name="description" />
            <label>
              Group <GroupSelect groups={groups} value={null} />
            </label>
            <div>
              <button type="submit" class="primary">
                Create component
              </button>
            </div>
          </PostForm>
        </section>
        <section>
          <h2>New group</h2>
          <PostForm action="/admin/groups" class="stack">
            <Field label="Name" name="name" required maxlength={120} />
            <Field label="Description" name="description" />
            <div>
              <button type="submit" class="primary">
                Create group
              </button>
            </div>
          </PostForm>
        </section>
      </div>
    </Layout>
  );
};
