#!/usr/bin/env node
'use strict';
/**
 * Runs one of the command-line scripts from its build (dist/scripts/NAME.js), building
 * first when a source changed, in this one process:
 *
 *   node scripts/run.js generate --config my.json
 *
 * This is what `npm run generate`, `deploy`, `stacksets`, `diff`, `destroy` and `bench`
 * run (package.json), so each starts as plain JavaScript with its validators compiled.
 */
const path = require('node:path');
const { ensureBuilt, DIST, ENTRIES } = require('./build');
const { useScriptFlags } = require('./v8-flags');

const [name, ...args] = process.argv.slice(2);
if (!ENTRIES.includes(name)) {
  process.stderr.write(`usage: node scripts/run.js SCRIPT [ARGS...], SCRIPT one of ${ENTRIES.join(', ')}\n`);
  process.exit(2);
}
if (name !== 'bench') useScriptFlags();
try {
  const { sources, validators } = ensureBuilt({ log: (m) => process.stderr.write(`${m}\n`) });
  // What scripts/lib/verified-build.ts reads: the build the script below runs from is fresh.
  globalThis[Symbol.for('container-delivery-templates.verified-build')] = { dist: DIST, sources, validators };
} catch (e) {
  process.stderr.write(`error: ${e.stack || e}\n`);
  process.exit(1);
}
// The script runs as the main module, as `node dist/scripts/NAME.js ARGS` would run it.
const entry = path.join(DIST, 'scripts', `${name}.js`);
process.argv = [process.argv[0], entry, ...args];
require('node:module').runMain();
