// GradLab's partial Plotly.js bundles: Plotly's own partial-bundle recipe (lib/core plus the trace
// modules GradLab draws, built with the esbuild options of plotly.js's esbuild-config.js and with the
// attribute descriptions stripped as its tasks/compress_attributes.js does), written to
// static/vendor/plotly/. The npm package ships lib/ and src/ but not tasks/, hence this copy of the recipe.
// Run: scripts/plotly_bundle/build (installs package.json's pinned versions into a temporary folder).
import { build } from "esbuild";
import { environmentPlugin } from "esbuild-plugin-environment";
import { glsl } from "esbuild-plugin-glsl";
import InlineCSSPlugin from "esbuild-plugin-inline-css";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(import.meta.url);
const out = process.argv[2];
const plotlyRoot = path.dirname(require.resolve("plotly.js/package.json"));
const version = require("plotly.js/package.json").version;

// Which trace types each bundle registers: the 2D one for every page, the 3D one for the pages that
// draw a surface (static/js grep: type: "scatter" | "bar" | "contour" | "heatmap" | "surface" | "scatter3d").
export const BUNDLES = {
  gradlab: ["scatter", "bar", "contour", "heatmap"],
  "gradlab-3d": ["scatter", "bar", "contour", "heatmap", "surface", "scatter3d"],
};

// tasks/compress_attributes.js: attribute metadata only the schema/docs read, not drawing.
const stripMeta = {
  name: "strip-attribute-meta",
  setup(b) {
    b.onLoad({ filter: /plotly\.js[\\/]src[\\/].*\.js$/ }, async (args) => {
      // one quoted string, or an array of them (comments allowed) joined: tasks/compress_attributes.js's
      // patterns, tightened to whole string literals in either quote (plotly 4's texts hold "]" and "'")
      const str = `(?:'(?:[^'\\\\\\n]|\\\\.)*'|"(?:[^"\\\\\\n]|\\\\.)*")`;
      const list = `\\[(?:\\s*${str},?|\\s*//[^\\n]*)*\\s*\\]`;
      const attr = (key, value) => new RegExp(`\\s*${key}: ${value},?(?=\\s*[\\n}])`, "g");
      const source = (await fs.promises.readFile(args.path, "utf8"))
        .replace(attr("description", str), "")
        .replace(attr("description", `${list}\\.join\\(${str}\\)`), "")
        .replace(attr("requiredOpts", list), "")
        .replace(attr("otherOpts", list), "")
        .replace(attr("hrName", str), "");
      return { contents: source, loader: "js" };
    });
  },
};

const tmp = fs.mkdtempSync(path.join(process.cwd(), "entry-"));
try {
  for (const [name, traces] of Object.entries(BUNDLES)) {
    const entry = path.join(tmp, `index-${name}.js`);
    const requires = traces.filter((t) => t !== "scatter").map((t) => `  require('plotly.js/lib/${t}'),`);
    fs.writeFileSync(entry, `'use strict';\nvar Plotly = require('plotly.js/lib/core');\n` +
      `Plotly.register([\n${requires.join("\n")}\n]);\nmodule.exports = Plotly;\n`);
    const outfile = path.join(out, `plotly-${name}.min.js`);
    await build({
      entryPoints: [entry],
      outfile,
      format: "iife",
      globalName: "Plotly",
      bundle: true,
      minify: true,
      sourcemap: false,
      plugins: [stripMeta, InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
      alias: { regl: "@plotly/regl", stream: "stream-browserify" },
      define: { global: "window", "define.amd": "false" },
      target: "es2016",
      nodePaths: [path.join(process.cwd(), "node_modules")],
      logLevel: "warning",
    });
    const header = `/**\n* plotly.js v${version} (GradLab partial bundle: ${traces.join(", ")} - minified)\n` +
      "* Copyright 2012-2026, Plotly, Inc.\n* All rights reserved.\n* Licensed under the MIT license\n*/\n";
    fs.writeFileSync(outfile, header + fs.readFileSync(outfile, "utf8"));
    console.log(`${outfile}: ${fs.statSync(outfile).size} bytes`);
  }
  fs.copyFileSync(path.join(plotlyRoot, "LICENSE"), path.join(out, "LICENSE"));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
