#!/usr/bin/env node
'use strict';
/**
 * The build: every command-line script bundled to plain JavaScript in dist/scripts/ (one
 * file each, by esbuild, so nothing is transpiled when a script starts), and the schemas
 * compiled to ajv standalone code in dist/validators/ (generator/validate/aot.ts).
 *
 *   npm run build            builds when a source, schema or the lock file changed
 *   npm run build -- --force builds anyway
 *
 * `npm run generate`, the other scripts (scripts/run.js) and the tests (jest's global
 * setup) call `ensureBuilt` first, so the build is never stale: it compares a hash of its
 * inputs with the one recorded in dist/.build.json, which also holds the inputs' stat
 * numbers, so that when none changed the check reads no file (a few milliseconds). Type
 * checking is `npm run typecheck`; the bundler only strips types. Plain JavaScript
 * itself, so that it needs no build.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { SCRIPT_V8_FLAGS } = require('./v8-flags');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build.json');
const VALIDATORS = path.join(DIST, 'validators');

/** The command-line scripts, each bundled to dist/scripts/NAME.js. */
const ENTRIES = ['generate', 'deploy', 'stacksets', 'diff', 'destroy', 'init', 'bench', 'docs', 'export-schemas', 'refresh-handler-permissions', 'compile-validators'];

/** What the build reads: a change to any of these files rebuilds. */
const INPUT_DIRS = ['generator', 'scripts', 'schemas'];
const INPUT_FILES = ['package-lock.json', 'tsconfig.json'];

function listFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (/\.(ts|js|json|md)$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** A hash of the files, names (relative to `root`) and contents. */
function hashFiles(files, root = ROOT) {
  const hash = crypto.createHash('sha256');
  for (const file of files) {
    hash.update(path.relative(root, file));
    hash.update('\0');
    hash.update(fs.readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** A margin beyond the file systems' time granularity, as for the tree record (scripts/lib/tree-manifest.ts). */
const RACY_MS = 2000;

/** Size, modification and change times and inode of a file, which an edit changes. */
function statOf(file) {
  const st = fs.statSync(file);
  return [st.size, st.mtimeMs, st.ctimeMs, st.ino];
}

/**
 * The hash of the build's input files under `root` and their stat numbers. When the same
 * files have the numbers `stamp` recorded with its hash, taken at least RACY_MS after
 * their last change, the recorded hash stands without reading them; otherwise they are
 * read and hashed.
 */
function sourceState(root = ROOT, stamp = {}) {
  const files = INPUT_DIRS.flatMap((d) => listFiles(path.join(root, d)));
  for (const f of INPUT_FILES) files.push(path.join(root, f));
  files.sort();
  const names = files.map((f) => path.relative(root, f));
  const stats = files.map(statOf);
  const recorded = Array.isArray(stamp.files) && Array.isArray(stamp.stats) && typeof stamp.sources === 'string' && typeof stamp.statsAt === 'number';
  const same =
    recorded &&
    stamp.files.length === names.length &&
    names.every((n, i) => stamp.files[i] === n) &&
    stats.every((st, i) => Array.isArray(stamp.stats[i]) && st.every((v, k) => stamp.stats[i][k] === v) && st[2] <= stamp.statsAt - RACY_MS);
  const sources = same ? stamp.sources : hashFiles(files, root);
  return { sources, fromStamp: same, files: names, stats, statsAt: Date.now() };
}

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(STAMP, 'utf8'));
  } catch {
    return {};
  }
}

function writeAtomically(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

/** Whether dist/ was built from the sources as they are now; the hash either way. */
function freshness() {
  const stamp = readStamp();
  const state = sourceState(ROOT, stamp);
  const outputs = [...ENTRIES.map((e) => path.join(DIST, 'scripts', `${e}.js`)), path.join(VALIDATORS, 'providers.js')];
  return { sources: state.sources, state, stamp, fresh: stamp.sources === state.sources && outputs.every((f) => fs.existsSync(f)) };
}

/** The stamp: the hashes dist/ was built from, and the input files' stat numbers that let the next check skip reading them. */
function writeStamp(state, validators) {
  writeAtomically(STAMP, `${JSON.stringify({ sources: state.sources, validators, files: state.files, stats: state.stats, statsAt: state.statsAt })}\n`);
}

function bundle() {
  // Loaded only to build: starting a script does not pay for it.
  const esbuild = require('esbuild');
  const outdir = path.join(DIST, `.scripts-${process.pid}`);
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = esbuild.buildSync({
    entryPoints: ENTRIES.map((e) => path.join(ROOT, 'scripts', `${e}.ts`)),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Packages stay in node_modules and load as they do from the sources.
    packages: 'external',
    logLevel: 'error',
    // The compiled validators are found at run time (generator/core/compiled-validators.ts).
    logOverride: { 'unsupported-require-call': 'silent' },
  });
  if (result.errors.length) throw new Error(`the build failed: ${result.errors.map((e) => e.text).join('; ')}`);
  const target = path.join(DIST, 'scripts');
  fs.mkdirSync(target, { recursive: true });
  for (const file of fs.readdirSync(outdir)) fs.renameSync(path.join(outdir, file), path.join(target, file));
  fs.rmSync(outdir, { recursive: true, force: true });
}

/**
 * The validators depend on the schemas, the code that compiles them (all of it bundled in
 * dist/scripts/compile-validators.js) and the installed ajv: they are compiled again only
 * when one of these changed, since that takes a few seconds.
 */
function compileValidators() {
  const compiler = path.join(DIST, 'scripts', 'compile-validators.js');
  const inputs = hashFiles([compiler, ...listFiles(path.join(ROOT, 'schemas')).sort(), path.join(ROOT, 'package-lock.json')]);
  const stamp = readStamp();
  const present = ['config.js', 'template.js', 'providers.js'].every((f) => fs.existsSync(path.join(VALIDATORS, f)));
  if (stamp.validators === inputs && present) return { inputs, compiled: false };
  const { writeValidators } = require(compiler);
  writeValidators(VALIDATORS);
  // V8 takes a code cache only from a process with the same flags: warm it under the scripts' flags.
  // Loaded only to build, as esbuild is: starting a script does not pay for it.
  const { spawnSync } = require('node:child_process');
  const warm = spawnSync(process.execPath, [...SCRIPT_V8_FLAGS, compiler, '--warm', VALIDATORS], { encoding: 'utf8' });
  if (warm.status !== 0) throw new Error(`warming the validators' code cache failed: ${warm.stderr || warm.error}`);
  return { inputs, compiled: true };
}

/** Builds when dist/ is stale (or `force`); returns what was done and the hashes dist/ was built from. */
function ensureBuilt({ force = false, log = () => {} } = {}) {
  const { sources, state, stamp, fresh } = freshness();
  if (fresh && !force) {
    // Read and hashed again (a checkout, a touch, or changed within the margin): the next check need not.
    if (!state.fromStamp) writeStamp(state, stamp.validators);
    return { built: false, sources, validators: stamp.validators };
  }
  const started = Date.now();
  bundle();
  const validators = compileValidators();
  writeStamp(state, validators.inputs);
  log(`built dist/ in ${Date.now() - started} ms${validators.compiled ? ' (validators compiled)' : ''}`);
  return { built: true, validatorsCompiled: validators.compiled, sources, validators: validators.inputs };
}

module.exports = { ensureBuilt, freshness, sourceState, RACY_MS, ROOT, DIST, ENTRIES };

if (require.main === module) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--force');
  if (unknown.length) {
    process.stderr.write(`error: unknown argument ${JSON.stringify(unknown[0])}\nusage: npm run build [-- --force]\n`);
    process.exit(2);
  }
  try {
    const r = ensureBuilt({ force: args.includes('--force'), log: (m) => process.stdout.write(`${m}\n`) });
    if (!r.built) process.stdout.write('dist/ is up to date\n');
  } catch (e) {
    process.stderr.write(`error: ${e.stack || e}\n`);
    process.exit(1);
  }
}
