#!/usr/bin/env node
'use strict';
/**
 * The static checks `npm test` runs before jest, side by side: the type check (`tsc`), the
 * linter (`eslint`: typescript-eslint, the import boundaries and the size limits) and the
 * format check (`prettier`). Each takes 10 to 15 s on its own, mostly on one core, so
 * together they take about as long as the slowest on a machine of two cores or more.
 *
 *   node scripts/checks.js
 *
 * Each check's output is printed whole when it ends, not interleaved; the exit status is
 * 1 when any check failed. Plain JavaScript, so that it needs no build.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const bin = (pkg, file) => path.join(ROOT, 'node_modules', pkg, file);

/** Name, and the command's arguments after `node`. */
const CHECKS = [
  ['type check (tsc)', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit']],
  ['lint (eslint)', [bin('eslint', 'bin/eslint.js'), '.']],
  ['format (prettier)', [bin('prettier', 'bin/prettier.cjs'), '--check', '--log-level', 'warn', '.']],
];

/** Runs one check; resolves to whether it passed, its output printed when it ends. */
function run([name, args]) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (e) => (output += `${e.message}\n`));
    child.on('close', (code, signal) => {
      const ok = code === 0;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`${ok ? 'passed' : 'FAILED'}: ${name} in ${seconds} s${signal ? ` (${signal})` : ''}\n${output}`);
      resolve(ok);
    });
  });
}

if (require.main === module) {
  Promise.all(CHECKS.map(run)).then((results) => {
    process.exitCode = results.every(Boolean) ? 0 : 1;
  });
}

module.exports = { CHECKS, run };
