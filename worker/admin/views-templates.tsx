// The incident templates page: each template's words, status, impact and components, editable, and
// the form for a new one. The placeholders an alert fills are listed beside the form.
import type { FC } from "hono/jsx";
import { TEMPLATE_PLACEHOLDERS } from "../../domain/incident-templates";
import { IMPACTS } from "../../domain/status";
import type { ComponentJson, GroupJson } from "./catalog";
import type { IncidentTemplateJson } from "./incident-templates";
import { Choice, type Common, Empty, Field, Layout, PostForm, StatusSelect } from "./layout";
import { OPENING_STATUSES } from "./schemas";
import { ComponentChecks } from "./views-incident-parts";

const TemplateFields: FC<{ template?: IncidentTemplateJson; components: ComponentJson[]; groups: GroupJson[] }> = ({ template: t, components, groups }) => {
  const statuses = Object.values(t?.components ?? {}).filter((s) => s !== null);
  return (
    <>
      <Field label="Name (for operators)" name="name" required maxlength={120} value={t?.name ?? ""} />
      <Field label="Incident title" name="title" required maxlength={255} value={t?.title ?? ""} placeholder="{{service}} is unavailable" />
      <label>
        First update{" "}
        <textarea name="body" required maxlength={10000} placeholder="We are investigating issues with {{components}}.">
          {t?.body ?? ""}
        </textarea>
      </label>
      <div class="row">
        <Choice label="Status" name="status" options={OPENING_STATUSES.options} selected={t?.status ?? "investigating"} />
        <Choice label="Impact" name="impact" none="from the component status" options={IMPACTS} selected={t?.impact ?? ""} />
      </div>
      <div>
        Affected components
        <ComponentChecks components={components} groups={groups} checked={Object.keys(t?.components ?? {})} />
      </div>
      <label>
        Set them to <StatusSelect name="component_status" noChange value={statuses[0] ?? ""} />
      </label>
    </>
  );
};

export const TemplatesPage: FC<Common & { templates: IncidentTemplateJson[]; components: ComponentJson[]; groups: GroupJson[] }> = ({
  actor,
  flash,
  templates,
  components,
  groups,
}) => (
  <Layout title="Incident templates" actor={actor} flash={flash} active="/admin/templates">
    <p class="muted">
      Words ready before the incident. Open an incident from one on the dashboard, or attach one to an integration (its card) or a link (
      <code>PATCH /admin/api/links/:id</code>), so that its alerts open incidents in these words. Placeholders an alert fills:{" "}
      {TEMPLATE_PLACEHOLDERS.map((p) => (
        <code>{`{{${p}}} `}</code>
      ))}
      ; <code>{"{{summary}}"}</code> is cleaned of links and handles, and <code>{"{{details}}"}</code> and <code>{"{{monitor}}"}</code> stay empty, unless the
      integration publishes its alerts' text in full.
    </p>
    {templates.length ? (
      templates.map((t) => (
        <article class="card" data-template={t.id}>
          <h3>{t.name}</h3>
          <details>
            <summary>
              <q dir="auto">{t.title}</q> · {t.status}
            </summary>
            <PostForm action={`/admin/templates/${t.id}`} class="stack">
              <TemplateFields template={t} components={components} groups={groups} />
              <div>
                <button type="submit">Save template</button>
              </div>
            </PostForm>
            <PostForm action={`/admin/templates/${t.id}/delete`}>
              <label>
                <input type="checkbox" name="confirm" value="yes" required /> delete it (integrations and links using it go back to the default words)
              </label>{" "}
              <button type="submit">Delete</button>
            </PostForm>
          </details>
        </article>
      ))
    ) : (
      <Empty>No incident templates yet.</Empty>
    )}
    <details open={!templates.length}>
      <summary>New template</summary>
      <PostForm action="/admin/templates" class="stack">
        <TemplateFields components={components} groups={groups} />
        <div>
          <button type="submit" class="primary">
            Create template
          </button>
        </div>
      </PostForm>
    </details>
  </Layout>
);
