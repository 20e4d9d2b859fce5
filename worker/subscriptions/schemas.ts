// What a subscription request may hold, for the public form and JSON (POST /subscriptions), the manage
// page (POST /subscriptions/:token) and operators (POST /admin/api/subscribers). Addresses are kept
// lowercased: one address is one subscriber however it is typed.
import { z } from "zod";
import { LANGUAGES } from "../../i18n";
import { TURNSTILE_FIELD } from "../security/turnstile";

const email = z.string().trim().toLowerCase().max(254, "must be at most 254 characters").email("must be an email address");
/** Components to hear of; none (or null) is every component. */
const componentIds = z
  .array(z.string().regex(/^[a-z0-9]{12}$/, "must be a component id"))
  .max(500, "must list at most 500 components")
  .nullable()
  .optional();
/** Checked further by checkOutboundUrl (worker/notify/outbound.ts); "" is none. */
const webhookUrl = z.string().trim().max(2000, "must be at most 2000 characters").nullable().optional();

export const subscriptionCreate = z.object({
  email,
  component_ids: componentIds,
  webhook_url: webhookUrl,
  /** The language of the confirmation email and of the notifications; default: the reader's. */
  language: z.enum(LANGUAGES).optional(),
});

export const publicSubscriptionCreate = subscriptionCreate.extend({
  [TURNSTILE_FIELD]: z.string().max(4096).optional(),
});

export const subscriptionComponents = z.object({ component_ids: componentIds });

export type SubscriptionCreate = z.infer<typeof subscriptionCreate>;
