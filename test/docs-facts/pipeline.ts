/** docs/templates/pipeline.md. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'acorn';
import { ENVIRONMENT_DEFAULTS, SERVICE_DEFAULTS } from '../../generator/config/defaults';
import { TEMPLATE_BODY_LIMIT_BYTES } from '../../generator/core/limits';
import { PROJECT_ROOT } from '../../generator/core/paths';
import { CONFIG_SCHEMA, MOST_ENVIRONMENTS, param, props } from './code';
import { Stated, grouped, statements, word } from './stated';

/**
 * The scripts the build image runs with `node` (the render step, the deploy check, the
 * deploy step) and the files they require, parsed as the language of a Node.js version:
 * Node.js 18 runs ECMAScript 2022 (node.green).
 */
const ECMASCRIPT_OF_NODE: Record<number, 2022> = { 18: 2022 };
const BUILD_SCRIPTS = ['scripts/render-service-template.js', 'scripts/plan-deploy.js', 'scripts/deploy-stack.js'];

function oldestNodeOfBuildScripts(): number {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
    for (const m of text.matchAll(/require\('(\.[^']+)'\)/g)) visit(path.join(path.dirname(file), `${m[1]}.js`));
  };
  BUILD_SCRIPTS.forEach(visit);
  const [node, ecmaVersion] = Object.entries(ECMASCRIPT_OF_NODE)[0];
  for (const file of seen) parse(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8'), { ecmaVersion, sourceType: 'script', allowHashBang: true });
  if (seen.size < BUILD_SCRIPTS.length + 2) throw new Error(`only ${[...seen].join(', ')} found`);
  return Number(node);
}

/** A command of a build project's build spec, by a pattern of it. */
function buildSpecMatch(id: string, re: RegExp): string[] {
  const spec = props('pipeline-build.json', id).Source.BuildSpec;
  const text = typeof spec === 'string' ? spec : spec['Fn::Sub'];
  const m = re.exec(text);
  if (!m) throw new Error(`${id}'s build spec no longer has ${re}`);
  return m.slice(1);
}

export function PIPELINE(): Stated[] {
  const { code, cited, label } = statements('docs/templates/pipeline.md');
  const noncurrentDays = props('pipeline-build.json', 'ArtifactBucket').LifecycleConfiguration.Rules[0].NoncurrentVersionExpiration.NoncurrentDays;
  const cacheDays = props('pipeline-build.json', 'CacheBucket').LifecycleConfiguration.Rules[0].ExpirationInDays;
  const [attempts] = buildSpecMatch('BuildProject', /for attempt in ([\d ]+); do/);
  const [pollSeconds] = buildSpecMatch('ScanProject', /sleep (\d+); done;/);
  const monitoring = CONFIG_SCHEMA.properties.environments.items.properties.rollbackMonitoringMinutes;
  const scanTimeout = param('pipeline-build.json', 'ScanTimeoutMinutes').Default;
  if (scanTimeout !== SERVICE_DEFAULTS.scanTimeoutMinutes)
    throw new Error(`ScanTimeoutMinutes defaults to ${scanTimeout}, scanTimeoutMinutes to ${SERVICE_DEFAULTS.scanTimeoutMinutes}`);
  const quotas = '*Quotas in AWS CodePipeline*';
  return [
    code(`fit in one ${grouped(TEMPLATE_BODY_LIMIT_BYTES)}-byte template body`),
    code(`noncurrent versions expire after ${noncurrentDays} days`),
    code(`the CodeBuild cache bucket (objects expire after ${cacheDays} days)`),
    code(`(the cache bucket, objects expire after ${cacheDays} days)`),
    code(`(at most ${MOST_ENVIRONMENTS}, so that`),
    code(`(${word(attempts.split(' ').length)} times, as the ECR login)`),
    code(`needs Node.js (${oldestNodeOfBuildScripts()} or later)`),
    cited('the buildx plugin, 0.10 or later, for `--provenance`', "by buildx's release notes"),
    code(`scan on push every ${pollSeconds} s, never longer than \`ScanTimeoutMinutes\` (default ${scanTimeout};`),
    cited('in the 12 months CodePipeline keeps', quotas),
    cited("within the 500 characters of an approval's custom data", quotas),
    code(`\`rollbackMonitoringMinutes\` (default ${ENVIRONMENT_DEFAULTS.rollbackMonitoringMinutes}, ${monitoring.minimum}-${monitoring.maximum})`),
    label('(aws/aws-cdk#5170, aws/aws-cli#3712)'),
    code(`the project's timeout is ${props('pipeline.json', 'DeployProject').TimeoutInMinutes} minutes`),
    label('(walkthrough, step 3)'),
    code(`\`ScanCriticalThreshold\` (default ${param('pipeline-build.json', 'ScanCriticalThreshold').Default})`),
    code(`\`ScanTimeoutMinutes\` (default ${scanTimeout})`),
  ];
}
