#!/usr/bin/env node
'use strict';
/**
 * Renders the ECS service template of one service and environment for the pipeline's
 * deploy action, with the new image written into it.
 *
 *   node scripts/render-service-template.js --templates-dir templates --service web \
 *     --environment prod --image 111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-web:abc123 \
 *     --region eu-west-1 --out-dir rendered
 *
 * writes rendered/prod.json (the template) and rendered/prod.config.json (its template
 * configuration: parameters and tags).
 *
 * Why: the AWS::CodeDeployBlueGreen transform compares the stack's previous and new
 * template text. An image passed as a parameter (`"Image": {"Ref": "ImageUri"}`) leaves
 * that text unchanged, so a new image would not start a green deployment; and the hook's
 * properties are read by the transform before parameters are resolved. So the image is
 * written into the template as a literal (and as the ImageUri parameter's default), and
 * every intrinsic function in the Hooks section is resolved with the environment's
 * parameter values. The rolling and ECS-native templates (no Hooks) are rendered the
 * same way, which writes in only the image and keeps one deploy action, with plain change
 * sets, for every strategy.
 *
 * A service environment's settings (plain environment variables, references to secrets,
 * the task execution role's statements that read those secrets, the task role's configured
 * statements) travel in the parameter file under "ServiceSettings" and are written into the
 * task definition's container and the two roles' policies here, for the same reason as the
 * image: a changed setting must change the template text. Only references to secrets are
 * written; ECS reads their values when a task starts. The template configuration handed to
 * CloudFormation keeps Parameters and Tags only.
 *
 * The environment's strategy is the folder its parameter file was generated into:
 * parameters/ecs-service/ (blue/green hook), parameters/ecs-service-native/ (ECS-native
 * blue/green) or parameters/ecs-service-rolling/ (rolling).
 *
 * Runs in CodeBuild from the repository that holds templates/, with Node.js alone: no
 * dependencies, no build step.
 */
const fs = require('node:fs');
const path = require('node:path');

const IMAGE_PARAMETER = 'ImageUri';
const STRATEGIES = [
  { name: 'blue-green', template: 'ecs-service.json', parameters: 'ecs-service' },
  { name: 'ecs-blue-green', template: 'ecs-service-native.json', parameters: 'ecs-service-native' },
  { name: 'rolling', template: 'ecs-service-rolling.json', parameters: 'ecs-service-rolling' },
];
const NO_VALUE = Symbol('AWS::NoValue');
/** Where the settings go: the one container of the task definition and the two task roles (generator logical IDs). */
const SETTINGS_KEY = 'ServiceSettings';
const SETTINGS_TARGETS = { taskDefinition: 'TaskDefinition', container: 'app', executionRole: 'TaskExecutionRole', taskRole: 'TaskRole' };
const FILE_KEYS = ['Parameters', 'Tags', SETTINGS_KEY];

class RenderError extends Error {}

/** The parameter values of one stack: the template's defaults, the file's values, the image. */
function parameterValues(template, fileParameters, imageUri) {
  const values = {};
  for (const [name, def] of Object.entries(template.Parameters || {})) {
    if (def.Default !== undefined) values[name] = String(def.Default);
  }
  for (const [name, value] of Object.entries(fileParameters)) {
    if (!(template.Parameters || {})[name]) throw new RenderError(`parameter file names ${name}, which the template does not declare`);
    values[name] = String(value);
  }
  values[IMAGE_PARAMETER] = imageUri;
  for (const name of Object.keys(template.Parameters || {})) {
    if (values[name] === undefined) throw new RenderError(`parameter ${name} has no value and no default`);
  }
  return values;
}

/** Resolves a Ref to a parameter (a Number as a number) or a pseudo parameter; AWS::NoValue is NO_VALUE. */
function refResolver(template, values, pseudo) {
  const parameters = template.Parameters || {};

  return function refValue(name, where) {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name in pseudo) return pseudo[name];
    if (name in values) {
      const type = parameters[name] && parameters[name].Type;
      return type === 'Number' ? Number(values[name]) : values[name];
    }
    throw new RenderError(`${where}: cannot resolve Ref ${name} (not a parameter or known pseudo parameter)`);
  };
}

/** Evaluates the template's conditions, each once, with `resolve` for the values they compare. */
function conditionEvaluator(template, resolve) {
  const conditions = template.Conditions || {};
  const evaluated = {};

  function condition(name, where) {
    if (!(name in conditions)) throw new RenderError(`${where}: condition ${name} is not declared`);
    if (!(name in evaluated)) evaluated[name] = truth(conditions[name], `Conditions.${name}`);
    return evaluated[name];
  }

  function truth(expr, where) {
    const [key] = Object.keys(expr);
    const arg = expr[key];
    switch (key) {
      case 'Fn::Equals':
        return String(resolve(arg[0], where)) === String(resolve(arg[1], where));
      case 'Fn::Not':
        return !truth(arg[0], where);
      case 'Fn::And':
        return arg.every((c) => truth(c, where));
      case 'Fn::Or':
        return arg.some((c) => truth(c, where));
      case 'Condition':
        return condition(arg, where);
      default:
        throw new RenderError(`${where}: ${key} is not a condition function`);
    }
  }

  return condition;
}

/** Resolves the intrinsic functions a hook may use, with parameter and pseudo parameter values. */
function makeResolver(template, values, pseudo) {
  const refValue = refResolver(template, values, pseudo);
  const condition = conditionEvaluator(template, resolve);

  function resolve(value, where) {
    if (Array.isArray(value)) {
      return value.map((v, i) => resolve(v, `${where}[${i}]`)).filter((v) => v !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      const [key] = keys;
      const arg = value[key];
      switch (key) {
        case 'Ref':
          return refValue(arg, where);
        case 'Fn::Sub': {
          const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
          return text.replace(/\$\{([^}]+)\}/g, (whole, name) => {
            if (name.startsWith('!')) return `\${${name.slice(1)}}`;
            if (name in vars) return String(resolve(vars[name], where));
            if (name.includes('.')) throw new RenderError(`${where}: cannot resolve \${${name}} (a resource attribute)`);
            return String(refValue(name, where));
          });
        }
        case 'Fn::If':
          return resolve(condition(arg[0], where) ? arg[1] : arg[2], where);
        case 'Fn::Join':
          return resolve(arg[1], where).join(arg[0]);
        case 'Fn::Select':
          return resolve(arg[1], where)[Number(resolve(arg[0], where))];
        default:
          throw new RenderError(`${where}: ${key} cannot be resolved before the stack exists`);
      }
    }
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const r = resolve(v, `${where}.${k}`);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  return resolve;
}

/** Replaces every `{"Ref": "ImageUri"}` below `value` with the image itself. */
function inlineImage(value, imageUri) {
  if (Array.isArray(value)) return value.map((v) => inlineImage(v, imageUri));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref' && value.Ref === IMAGE_PARAMETER) return imageUri;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inlineImage(v, imageUri)]));
}

/** The role's inline policy statements with `statements` added (its first policy: the generator gives each role one). */
function withStatements(resources, id, statements) {
  if (!statements || statements.length === 0) return;
  const role = resources[id];
  const policy = role && role.Type === 'AWS::IAM::Role' && (role.Properties.Policies || [])[0];
  if (!policy) throw new RenderError(`the template has no role ${id} with an inline policy for the configured statements`);
  const sids = new Set(policy.PolicyDocument.Statement.map((st) => st.Sid));
  for (const st of statements) {
    if (sids.has(st.Sid)) throw new RenderError(`${SETTINGS_KEY}: statement ${st.Sid} is already in the policy of ${id}`);
  }
  policy.PolicyDocument.Statement = [...statements, ...policy.PolicyDocument.Statement];
}

/** Writes a service environment's settings into a copy of the template's resources. */
function applySettings(resources, settings) {
  if (settings === undefined) return resources;
  const out = JSON.parse(JSON.stringify(resources));
  const t = SETTINGS_TARGETS;
  const definition = out[t.taskDefinition];
  const container = definition && (definition.Properties.ContainerDefinitions || []).find((c) => c.Name === t.container);
  if (!container) throw new RenderError(`the template has no container ${t.container} in ${t.taskDefinition} for the settings`);
  if ((settings.Environment || []).length) container.Environment = settings.Environment;
  if ((settings.Secrets || []).length) container.Secrets = settings.Secrets;
  withStatements(out, t.executionRole, settings.ExecutionRoleStatements);
  withStatements(out, t.taskRole, settings.TaskRoleStatements);
  return out;
}

/**
 * The rendered template and template configuration of one environment.
 * `parameterFile` is the generated file ({Parameters, Tags}); `pseudo` holds the pseudo
 * parameters known before deployment (AWS::Region, AWS::Partition, AWS::URLSuffix).
 */
function renderServiceTemplate(template, parameterFile, imageUri, pseudo) {
  if (!/^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/.test(imageUri)) {
    throw new RenderError(`image ${JSON.stringify(imageUri)} is not an ECR image URI with a tag or digest`);
  }
  if (!(template.Parameters || {})[IMAGE_PARAMETER]) throw new RenderError(`the template has no ${IMAGE_PARAMETER} parameter`);
  for (const key of Object.keys(parameterFile)) {
    if (!FILE_KEYS.includes(key)) throw new RenderError(`the parameter file has the key ${key}; allowed: ${FILE_KEYS.join(', ')}`);
  }
  const values = parameterValues(template, parameterFile.Parameters || {}, imageUri);
  const resolve = makeResolver(template, values, pseudo);
  const rendered = {};
  for (const [section, body] of Object.entries(template)) {
    if (section === 'Parameters') {
      rendered.Parameters = { ...body, [IMAGE_PARAMETER]: { ...body[IMAGE_PARAMETER], Default: imageUri } };
    } else if (section === 'Resources') {
      rendered.Resources = applySettings(inlineImage(body, imageUri), parameterFile[SETTINGS_KEY]);
    } else if (section === 'Hooks') {
      rendered.Hooks = resolve(body, 'Hooks');
    } else {
      rendered[section] = body;
    }
  }
  dropUnusedConditions(rendered);
  const configuration = { Parameters: { ...(parameterFile.Parameters || {}) } };
  if (parameterFile.Tags) configuration.Tags = parameterFile.Tags;
  return { template: rendered, configuration };
}

/** Conditions only the hook used are resolved now: leave out those nothing refers to any more. */
function dropUnusedConditions(template) {
  if (!template.Conditions) return;
  const used = new Set();
  const visit = (value) => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Fn::If' && Array.isArray(v)) used.add(v[0]);
      if (k === 'Condition' && typeof v === 'string') used.add(v);
      visit(v);
    }
  };
  for (const [section, body] of Object.entries(template)) if (section !== 'Conditions') visit(body);
  // Conditions that used conditions keep theirs.
  let grown = true;
  while (grown) {
    const before = used.size;
    for (const name of [...used]) visit(template.Conditions[name]);
    grown = used.size > before;
  }
  const kept = Object.entries(template.Conditions).filter(([name]) => used.has(name));
  if (kept.length) template.Conditions = Object.fromEntries(kept);
  else delete template.Conditions;
}

/** Finds the environment's parameter file and, from its folder, the template it belongs to. */
function locate(templatesDir, service, environment) {
  const found = STRATEGIES.map((s) => ({ ...s, file: path.join(templatesDir, 'parameters', s.parameters, service, `${environment}.json`) })).filter((s) => fs.existsSync(s.file));
  if (found.length !== 1) {
    const looked = STRATEGIES.map((s) => path.join('parameters', s.parameters, service, `${environment}.json`)).join(' or ');
    throw new RenderError(
      found.length === 0
        ? `no parameter file for service ${service} in ${environment} (looked for ${looked})`
        : `service ${service} has parameter files for more than one strategy in ${environment}`,
    );
  }
  return { strategy: found[0].name, templateFile: path.join(templatesDir, found[0].template), parameterFile: found[0].file };
}

function parseArgs(argv) {
  const options = {};
  const names = {
    '--templates-dir': 'templatesDir',
    '--service': 'service',
    '--environment': 'environment',
    '--image': 'image',
    '--region': 'region',
    '--partition': 'partition',
    '--out-dir': 'outDir',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || argv[i + 1] === undefined) throw new RenderError(`unknown or incomplete argument ${JSON.stringify(argv[i])}`);
    options[key] = argv[i + 1];
  }
  for (const required of ['templatesDir', 'service', 'environment', 'image', 'region', 'outDir']) {
    if (!options[required]) throw new RenderError(`--${required.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is required`);
  }
  return options;
}

function main(argv) {
  try {
    const o = parseArgs(argv);
    const where = locate(o.templatesDir, o.service, o.environment);
    const template = JSON.parse(fs.readFileSync(where.templateFile, 'utf8'));
    const parameterFile = JSON.parse(fs.readFileSync(where.parameterFile, 'utf8'));
    const partition = o.partition || (o.region.startsWith('cn-') ? 'aws-cn' : o.region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');
    const pseudo = {
      'AWS::Region': o.region,
      'AWS::Partition': partition,
      'AWS::URLSuffix': partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
    };
    const { template: rendered, configuration } = renderServiceTemplate(template, parameterFile, o.image, pseudo);
    fs.mkdirSync(o.outDir, { recursive: true });
    // Deploy-time artifacts: the template on one line (a build output nobody reviews), so that it
    // stays far from the 51,200-byte body limit; the configuration file as two-space JSON.
    fs.writeFileSync(path.join(o.outDir, `${o.environment}.json`), `${JSON.stringify(rendered)}\n`);
    fs.writeFileSync(path.join(o.outDir, `${o.environment}.config.json`), `${JSON.stringify(configuration, null, 2)}\n`);
    process.stdout.write(`rendered ${path.basename(where.templateFile)} (${where.strategy}) for ${o.service} in ${o.environment}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`error: ${e instanceof RenderError ? e.message : e.stack}\n`);
    return 1;
  }
}

module.exports = { renderServiceTemplate, locate, parseArgs, RenderError, IMAGE_PARAMETER, STRATEGIES, SETTINGS_KEY, SETTINGS_TARGETS };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
