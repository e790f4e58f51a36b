// Bundles the workbench's browser code with bpmn-js (from node_modules, installed by `npm ci`)
// into workbench/static/build/, which git ignores: the repository holds none of bpmn-js's code.
// Run by `make install` / `make install-test` (or `npm run build`).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

await build({
  absWorkingDir: root,
  entryPoints: {
    viewer: "frontend/viewer.js",
    modeller: "frontend/modeller.js",
    compare: "frontend/compare.js",
  },
  outdir: "workbench/static/build",
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  // The palette's icon font is served as files from this site (the CSP allows fonts from 'self'
  // only, so bpmn-js's embedded data: font would be refused).
  loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file" },
  assetNames: "[name]-[hash]",
  legalComments: "linked",
  logLevel: "info",
});
