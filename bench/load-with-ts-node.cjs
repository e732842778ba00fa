// Loads plan/cli.ts the way Pulumi's default TypeScript path loads a program: ts-node with type
// checking (the project's typescript, Pulumi's vendored ts-node@7.0.1 when ts-node is not installed).
const path = require("node:path");
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
let tsnode;
try {
  tsnode = require("ts-node");
} catch {
  tsnode = require(path.join(pulumiDir, "vendor", "ts-node@7.0.1"));
}
tsnode.register({ compiler: require.resolve("typescript"), project: path.join(__dirname, "..", "tsconfig.json"), transpileOnly: false });
require(path.join(__dirname, "..", "plan", "cli.ts"));
