// The layering rules of the codebase (README "How the pieces fit"), checked by `npm run deps:check` in `npm test`.
// Paths are relative to the repository root. Type-only imports count: a cycle through types is still a cycle in
// the design, and `shared/` must not even know the shapes of the layers above it.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "No import cycles anywhere, type-only ones included.",
      from: {},
      to: { circular: true },
    },
    {
      name: "shared-is-the-bottom",
      severity: "error",
      comment:
        "shared/ is pure domain code: it imports nothing from d1/, workers/, durable-objects/ or queues/. " +
        "I/O it needs (an owned model's upstream key, a transcript) is passed in by the callers.",
      from: { path: "^shared/" },
      to: { path: "^(d1|workers|durable-objects|queues)/" },
    },
    {
      name: "d1-below-queues",
      severity: "error",
      comment: "d1/ stores rows; mapping a queue message to a row belongs beside the consumer (workers/batch/).",
      from: { path: "^d1/" },
      to: { path: "^(queues|workers|durable-objects)/" },
    },
    {
      name: "queues-are-contracts",
      severity: "error",
      comment: "queues/ holds message schemas and senders: no handler, DO or storage code.",
      from: { path: "^queues/" },
      to: { path: "^(workers|durable-objects|d1)/" },
    },
    {
      name: "only-the-entry-imports-the-app",
      severity: "error",
      comment: "Routes and middleware take AppEnv/App/VERSION from workers/edge/env.ts, never from app.ts.",
      from: { path: "^", pathNot: "^workers/edge/index\\.ts$" },
      to: { path: "^workers/edge/app\\.ts$" },
    },
    {
      name: "routes-do-not-import-routes",
      severity: "error",
      comment: "A helper two routes need lives in an edge module (auth.ts, schemas.ts), not in one of the routes.",
      from: { path: "^workers/edge/routes/" },
      to: { path: "^workers/edge/routes/" },
    },
    {
      name: "handlers-do-not-import-handlers",
      severity: "error",
      comment:
        "workers/edge, workers/batch and workers/cron are separate handlers; what two of them share lives in " +
        "shared/, d1/, queues/ or durable-objects/.",
      from: { path: "^workers/([^/]+)/" },
      to: { path: "^workers/[^/]+/", pathNot: "^workers/$1/" },
    },
    {
      name: "ui-is-a-client",
      severity: "error",
      comment: "The browser bundle may take types and pure helpers from shared/, never server code.",
      from: { path: "^ui/" },
      to: { path: "^(workers|durable-objects|d1|queues)/" },
    },
    {
      name: "code-does-not-import-tests",
      severity: "error",
      from: { path: "^(workers|durable-objects|queues|d1|shared|ui|scripts)/" },
      to: { path: "^(test|bench)/" },
    },
    {
      name: "resolvable",
      severity: "error",
      comment: "Every relative import points at a file that exists.",
      from: {},
      to: { couldNotResolve: true, pathNot: "^cloudflare:" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|test/fixtures|public/assets|worker-configuration\\.d\\.ts)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      extensions: [".ts", ".mts", ".mjs", ".d.mts", ".js", ".json"],
      exportsFields: ["exports"],
      conditionNames: ["types", "import", "worker", "browser", "node", "default"],
      mainFields: ["types", "module", "main"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
