// What the worker asks the site to show a reader after it decided (validation, writes, the status code
// and the headers are the worker's): the subscription pages and the private page's sign-in. The worker
// hands it to Astro's handler in the execution context's `props` (worker/render.ts); the page that draws
// it is site/src/pages/reader.astro. Texts come already in the reader's language.

/** What a reader typed into the subscribe form, shown again beside the error. */
export interface SubscribeValues {
  email?: string;
  webhook_url?: string;
  component_ids?: string[];
}

export interface FormError {
  /** The field it is about (`email`, `webhook_url`, `component_ids`, `cf-turnstile-response`), or "". */
  field: string;
  /** What the reader reads, in their language. */
  message: string;
}

export type ReaderView =
  /** The subscribe form again, with the reader's values and what was wrong. */
  | { kind: "subscribe"; values: SubscribeValues; error: FormError }
  /** A heading and a line: sent, confirmed, unsubscribed, no such subscription; `manage` links to the subscription. */
  | { kind: "notice"; text: string; backToForm?: boolean; manage?: string }
  /** The confirmation link's page: one button that POSTs to `action`. */
  | { kind: "confirm"; email: string; action: string }
  /** One button that unsubscribes; `signIn` (a private page's reader not let in) leads to the sign-in. */
  | { kind: "unsubscribe"; email: string; action: string; notice?: string; signIn?: string }
  /** Who gets what, the components to change (posted to `self`), and the way out. */
  | { kind: "manage"; email: string; webhookUrl: string | null; confirmed: boolean; componentIds: string[] | null; self: string; notice?: string }
  /** A private page's sign-in form; it names nothing of the page but its name. */
  | { kind: "sign-in"; pageName: string; next: string; error: string; sso: boolean };

export interface ReaderPage {
  view: ReaderView;
  /** The page's heading (and the first part of its title). */
  heading: string;
  /** Where the page's language links lead. */
  path: string;
}
