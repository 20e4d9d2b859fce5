// The layers, and which way they may point (npm test runs this: `depcruise domain i18n db worker site/src`).
//   domain/  pure types and decisions (the state machine, statuses, uptime maths, ids, escaping)
//   i18n/    messages, language matching, formatting; may use the domain
//   db/      all the SQL; imports only the domain
//   worker/  routes, adapters, the Ingestor, notifications; imports db/, the domain and i18n, never site/
//   site/    the Astro pages; imports db/, the domain and i18n, never worker/
// No cycles, type-only imports included.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "A cycle ties modules together: neither can be loaded, tested or changed alone.",
      from: {},
      to: { circular: true },
    },
    {
      name: "domain-is-the-bottom",
      severity: "error",
      comment: "The domain is pure: it imports nothing of the project's outside domain/.",
      from: { path: "^domain/" },
      to: { path: "^(i18n|db|worker|site)/" },
    },
    {
      name: "i18n-above-domain-only",
      severity: "error",
      comment: "Messages and formatting use the domain at most.",
      from: { path: "^i18n/" },
      to: { path: "^(db|worker|site)/" },
    },
    {
      name: "db-above-domain-only",
      severity: "error",
      comment: "db/ holds the SQL and imports only the domain.",
      from: { path: "^db/" },
      to: { path: "^(i18n|worker|site)/" },
    },
    {
      name: "worker-not-site",
      severity: "error",
      comment: "The worker never builds from the site's files: what both need lives in domain/, i18n/ or db/.",
      from: { path: "^worker/" },
      to: { path: "^site/" },
    },
    {
      name: "site-not-worker",
      severity: "error",
      comment: "The site reads db/, the domain and i18n, never the worker's modules.",
      from: { path: "^site/" },
      to: { path: "^worker/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/" },
    // Type-only imports count: a type cycle is still a cycle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
