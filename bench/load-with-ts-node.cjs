// Loads plan/cli.ts the way Pulumi's default TypeScript path loads a program (@pulumi/pulumi
// cmd/run/run.js, `runtime: nodejs` without `typescript: false`): ts-node (the vendored 7.0.1 when
// the project has none) with type checking, the project's TypeScript, its tsconfig, and the
// compiler options run.js adds (ES2020, nodenext for TypeScript >= 4.7, source maps). ts-node
// caches compiled files under os.tmpdir(): `npm run bench` points TMPDIR at an empty directory for
// a cold run and reuses it for a warm one.
const path = require("node:path");
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
let tsnode;
try {
  tsnode = require(require.resolve("ts-node", { paths: [pulumiDir] }));
} catch {
  tsnode = require(path.join(pulumiDir, "vendor", "ts-node@7.0.1"));
}
tsnode.register({
  compiler: require.resolve("typescript", { paths: [pulumiDir] }),
  transpileOnly: undefined,
  project: path.join(__dirname, "..", "tsconfig.json"),
  skipProject: false,
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true" },
});
require(path.join(__dirname, "..", "plan", "cli.ts"));
