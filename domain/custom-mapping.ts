// The \`custom\` receiver's mapping, as an operator saves it on an integration (options.mapping): where
// each alert field is in the sender's JSON. Plain data, checked when saved; worker/sources/mapping.ts
// reads a payload through it.
import { z } from "zod";
import { SEVERITIES } from "./status";

const SEGMENT = /^(?:[^.[\]\s]+|\[\d+\])$/;

/** `a.b[0].c` → ["a", "b", "0", "c"]. */
export function segments(path: string): string[] {
  return path.replace(/\[(\d+)\]/g, ".$1").split(".");
}

const path = z
  .string()
  .trim()
  .min(1, "must be a dotted path, e.g. alert.message")
  .max(200)
  .refine(
    (p) =>
      p
        .replace(/\[(\d+)\]/g, ".$1")
        .split(".")
        .every((s) => SEGMENT.test(s)),
    "must be a dotted path, e.g. alert.message or alerts[0].status",
  );

const words = z
  .array(
    z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v).trim()),
    { error: "must be a list of values" },
  )
  .max(100);

const ACTION_DEFAULTS = ["trigger", "acknowledge", "resolve", "ignore"] as const;

const action = z
  .strictObject({
    from: path,
    trigger: words,
    resolve: words,
    acknowledge: words.optional(),
    /** For a missing or unlisted value; without one such a delivery is ignored (a 200, nothing applied). */
    default: z.enum(ACTION_DEFAULTS, { error: `must be one of ${ACTION_DEFAULTS.join(", ")}` }).optional(),
  })
  .superRefine((a, ctx) => {
    const seen = new Map<string, string>();
    for (const list of ["trigger", "resolve", "acknowledge"] as const) {
      for (const word of a[list] ?? []) {
        const key = word.toLowerCase();
        const other = seen.get(key);
        if (other && other !== list) ctx.addIssue({ code: "custom", path: [list], message: `lists "${word}", which ${other} lists too` });
        seen.set(key, list);
      }
    }
  });

const severityEnum = z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(", ")}` });

const severity = z.strictObject({
  from: path.optional(),
  default: severityEnum.optional(),
  critical: words.optional(),
  error: words.optional(),
  warning: words.optional(),
  info: words.optional(),
});

export const customMapping = z.strictObject({
  dedup_key: path,
  summary: path,
  action,
  severity: severity.optional(),
  details: path.optional(),
  /** A path to the monitor's name, or {id, name} paths. */
  monitor: z.union([path, z.strictObject({ id: path.optional(), name: path.optional() })], { error: "must be a path or {id, name} paths" }).optional(),
  /** An object (each scalar value a tag), a list of `key:value` strings, or a Datadog-style `k:v, k2:v2` string. */
  tags: path.optional(),
  link: path.optional(),
  occurred_at: path.optional(),
});
export type CustomMapping = z.infer<typeof customMapping>;
