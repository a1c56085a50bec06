// Lint: typescript-eslint's recommended rules, the generator's import boundaries, and the
// size limits of files and functions (below).
//
// The generator's layers import one way:
//   core <- config <- blocks <- contracts <- templates <- render <- scripts
// - core (generator/core) reads only itself: intrinsics, the template builder, naming,
//   AWS facts, the compiled-validator loader.
// - contracts (generator/contracts) hold what two templates must agree on (SSM parameter
//   names, logical IDs, shared names); both sides read them, neither reads the other.
// - render (generator/render.ts, generator/member-stacks.ts) composes the templates.
// - functions (generator/functions) is Lambda code, inlined by templates; it reads core.
// - rules and validate are the in-memory checks: they read core (validate runs the rules).
// - a template (a file, or a folder of sections) never imports render, a rule or a
//   sibling template.
// A new import across these lines fails `npm run lint`, which `npm test` runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

const G = './generator';
const layer = (name) => `${G}/${name}`;
const ALL = ['core', 'config', 'contracts', 'functions', 'blocks', 'templates', 'rules', 'validate'];
const RENDER = [`${G}/render.ts`, `${G}/member-stacks.ts`];

/** The folders of generator/templates: a template each, of section files. */
function templateFolders() {
  return fs
    .readdirSync(`${import.meta.dirname}/generator/templates`, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}

/** Zones: files in `target` must not import from any of `not`. */
function only(target, allowed, message) {
  const not = ALL.filter((l) => l !== target && !allowed.includes(l)).map(layer);
  return { target: layer(target), from: [...not, ...RENDER, './scripts'], message };
}

/**
 * Lambda code (generator/functions) is linted as it ships: a line `// @include parts/NAME.js`
 * becomes that part's code first (generator/functions/index.ts does the same when it inlines
 * the file), so names the part uses and the file defines are checked together. A finding in
 * an included line is reported on the include line, naming the part's line.
 */
const functionIncludes = {
  meta: { name: 'function-includes' },
  preprocess(text, filename) {
    const lines = text.split('\n');
    const expanded = [];
    for (const [i, line] of lines.entries()) {
      const include = /^\/\/ @include (\S+)$/.exec(line);
      if (!include) {
        expanded.push({ text: line, line: i + 1 });
        continue;
      }
      // The part's header of comment lines (its `/* global */` names among them) is not included.
      const part = fs
        .readFileSync(path.join(path.dirname(filename), include[1]), 'utf8')
        .replace(/\n$/, '')
        .split('\n');
      const start = part.findIndex((l) => !/^\s*(\/\/.*|\/\*.*\*\/)?\s*$/.test(l));
      for (let j = start; j < part.length; j++) expanded.push({ text: part[j], line: i + 1, part: `${include[1]}:${j + 1}` });
    }
    includeMaps.set(filename, expanded);
    return [expanded.map((e) => e.text).join('\n')];
  },
  postprocess([messages], filename) {
    const map = includeMaps.get(filename);
    includeMaps.delete(filename);
    return messages.map((m) => {
      const at = map[m.line - 1];
      if (!at || !at.part) return { ...m, line: at ? at.line : m.line, endLine: at ? map[(m.endLine ?? m.line) - 1]?.line : m.endLine };
      return { ...m, line: at.line, column: 1, endLine: at.line, endColumn: undefined, fix: undefined, message: `${m.message} (included ${at.part})` };
    });
  },
  supportsAutofix: false,
};
const includeMaps = new Map();

const zones = [
  only('core', [], 'core reads only core'),
  only('config', ['core'], 'config reads only core'),
  only('contracts', ['core', 'config', 'blocks'], 'contracts read only core, config and blocks'),
  only('functions', ['core'], 'function code reads only core'),
  only('blocks', ['core', 'config', 'functions'], 'blocks never read contracts, templates, rules, validate or render'),
  only('templates', ['core', 'config', 'contracts', 'functions', 'blocks'], 'templates never read render, rules or validate'),
  only('rules', ['core'], 'rules read only core'),
  only('validate', ['core', 'rules'], 'validate reads only core and the rules it runs'),
  ...templateZones('a template never imports a sibling template: move what both need to generator/contracts or generator/blocks'),
];

/**
 * A template is a file of generator/templates or a folder of section files there: the
 * files of one folder read each other (its index.ts composes them), never another template.
 */
function templateZones(message) {
  const folders = templateFolders();
  return [
    { target: `${layer('templates')}/*.ts`, from: layer('templates'), message },
    ...folders.map((name) => ({ target: `${layer('templates')}/${name}/**`, from: layer('templates'), except: [`./${name}`], message })),
  ];
}

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'coverage/', 'templates/', 'rendered/', 'bench/cdk/cdk.out/', '.templates.*/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,js,mjs}'],
    plugins: { 'import-x': importX },
    settings: {
      // no-cycle parses the files an import leads to: TypeScript ones with typescript-eslint's parser.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Unused names are tsc's (noUnusedLocals, noUnusedParameters); `_`-prefixed arguments
      // stay allowed for callbacks whose shape is fixed.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Sizes: a reviewer reads one topic per file and one section per function, so a file of
    // generator/ or scripts/ (Lambda code included) has at most 400 lines and a function at
    // most 80; a longer one is split along its topic seams, a section returning what the
    // next needs. Tests and bench/ are not held to it, nor are generated files:
    // generator/core/resource-properties.ts (`npm run schemas:refresh`).
    files: ['generator/**/*.{ts,js}', 'scripts/**/*.{ts,js}'],
    ignores: ['generator/core/resource-properties.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    // Tests walk generated JSON templates and stubbed AWS answers, whose shape they assert.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // CommonJS files: the build, the scripts that run inside CodeBuild, jest's config.
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly', Buffer: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Lambda code: CommonJS modules that the Node.js runtime runs with its own globals.
    files: ['generator/functions/**/*.js'],
    processor: functionIncludes,
    languageOptions: { globals: { exports: 'writable', setTimeout: 'readonly' } },
  },
);
