#!/usr/bin/env node
'use strict';
/**
 * Copies the non-TypeScript runtime assets of src/ into dist/, keeping their
 * relative paths (src/state/redis/lua/x.lua -> dist/state/redis/lua/x.lua),
 * because tsc only emits .js. Run after `tsc -p tsconfig.build.json`.
 *
 *   node scripts/copy-assets.js [--src src] [--out dist]
 */
const fs = require('fs');
const path = require('path');

/** File extensions copied as-is. */
const ASSET_EXTENSIONS = new Set(['.lua']);

function parseArgs(argv) {
  const options = { src: 'src', out: 'dist' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in options) || argv[i + 1] === undefined) throw new Error(`usage: copy-assets.js [--src dir] [--out dir] (bad argument "${argv[i]}")`);
    options[key] = argv[i + 1];
  }
  return options;
}

/** Every asset file under `dir`, as paths relative to `root`. */
function findAssets(root, dir = root) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findAssets(root, full));
    else if (entry.isFile() && ASSET_EXTENSIONS.has(path.extname(entry.name))) found.push(path.relative(root, full));
  }
  return found;
}

function main() {
  const projectRoot = path.resolve(__dirname, '..');
  const { src, out } = parseArgs(process.argv.slice(2));
  const srcDir = path.resolve(projectRoot, src);
  const outDir = path.resolve(projectRoot, out);
  const assets = findAssets(srcDir);
  for (const relative of assets) {
    const target = path.join(outDir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(srcDir, relative), target);
  }
  process.stdout.write(`copy-assets: ${assets.length} file(s) from ${path.relative(projectRoot, srcDir) || '.'}/ to ${path.relative(projectRoot, outDir) || '.'}/\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`copy-assets: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
