#!/usr/bin/env node
'use strict';
/**
 * The CDK app that `npm run bench -- --cdk` times against `npm run generate`: the same
 * stacks, synthesized by aws-cdk-lib. It is a yardstick only; nothing of the generator
 * imports it, and it is not installed with the project (`npm ci --prefix bench/cdk`).
 *
 *   node bench/cdk/app.js --templates DIR --out DIR
 *
 * DIR is what the generator wrote for a configuration: the nine templates and their
 * parameter files. A CDK project deploys one stack per template and parameter file (a
 * service in an environment, a pipeline per service), with the values in the stack, so
 * the app has one stack for each: every resource a `CfnResource` with the template's
 * properties and policies, every parameter a `CfnParameter` whose default is the file's
 * value, the file's tags on the stack, and the template's other sections as they are.
 * That is CDK's lowest layer (L1) doing the least it can for the same output: the
 * comparison is a lower bound of what an app of higher-level constructs costs.
 */
const fs = require('node:fs');
const path = require('node:path');
const { App, CfnElement, CfnParameter, CfnResource, DefaultStackSynthesizer, Stack, Tags } = require('aws-cdk-lib');

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!['--templates', '--out'].includes(argv[i]) || argv[i + 1] === undefined) {
      throw new Error('usage: node bench/cdk/app.js --templates DIR --out DIR');
    }
    out[argv[i].slice(2)] = path.resolve(argv[i + 1]);
  }
  if (!out.templates || !out.out) throw new Error('usage: node bench/cdk/app.js --templates DIR --out DIR');
  return out;
}

/** A template section rendered as it is (Conditions, Mappings, Rules, Outputs, Hooks, Metadata). */
class Section extends CfnElement {
  constructor(scope, id, fragment) {
    super(scope, id);
    this.fragment = fragment;
  }

  _toCloudFormation() {
    return this.fragment;
  }
}

const RESOURCE_ATTRIBUTES = ['DeletionPolicy', 'UpdateReplacePolicy', 'DependsOn', 'Condition', 'Metadata', 'UpdatePolicy', 'CreationPolicy'];

function addStack(app, name, template, parameterFile) {
  const stack = new Stack(app, name, {
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    description: template.Description,
  });
  for (const transform of [].concat(template.Transform ?? [])) stack.addTransform(transform);
  const values = parameterFile?.Parameters ?? {};
  for (const [id, def] of Object.entries(template.Parameters ?? {})) {
    new CfnParameter(stack, id, {
      type: def.Type,
      default: values[id] ?? def.Default,
      allowedPattern: def.AllowedPattern,
      allowedValues: def.AllowedValues,
      constraintDescription: def.ConstraintDescription,
      description: def.Description,
      maxLength: def.MaxLength,
      minLength: def.MinLength,
      maxValue: def.MaxValue,
      minValue: def.MinValue,
      noEcho: def.NoEcho,
    });
  }
  for (const section of ['Metadata', 'Rules', 'Mappings', 'Conditions', 'Outputs', 'Hooks']) {
    if (template[section]) new Section(stack, `${section}Section`, { [section]: template[section] });
  }
  for (const [id, resource] of Object.entries(template.Resources)) {
    const r = new CfnResource(stack, id, { type: resource.Type, properties: resource.Properties });
    for (const attribute of RESOURCE_ATTRIBUTES) {
      if (resource[attribute] !== undefined) r.addOverride(attribute, resource[attribute]);
    }
  }
  for (const [key, value] of Object.entries(parameterFile?.Tags ?? {})) Tags.of(stack).add(key, value);
}

function main() {
  const { templates, out } = args(process.argv.slice(2));
  const app = new App({ outdir: out });
  const names = fs
    .readdirSync(templates)
    .filter((f) => f.endsWith('.json'))
    .sort();
  for (const file of names) {
    const template = JSON.parse(fs.readFileSync(path.join(templates, file), 'utf8'));
    const base = file.replace(/\.json$/, '');
    const dir = path.join(templates, 'parameters', base);
    const parameterFiles = [];
    const walk = (d, prefix) => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}-`);
        else if (e.name.endsWith('.json')) parameterFiles.push([`${prefix}${e.name.replace(/\.json$/, '')}`, JSON.parse(fs.readFileSync(path.join(d, e.name), 'utf8'))]);
      }
    };
    walk(dir, '');
    if (parameterFiles.length === 0) addStack(app, base, template, undefined);
    for (const [suffix, parameterFile] of parameterFiles) addStack(app, `${base}-${suffix}`, template, parameterFile);
  }
  const assembly = app.synth();
  process.stdout.write(`synthesized ${assembly.stacks.length} stacks to ${path.relative(process.cwd(), out) || '.'}\n`);
}

main();
