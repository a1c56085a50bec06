/**
 * scripts/plan-deploy.js: the pipeline's check before each environment's deploy, on
 * pairs of rendered templates (what was deployed, what is to be deployed): image only,
 * infrastructure only, both, a strategy switch; and its lookup of what was deployed,
 * against a stand-in aws.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Template } from '../../generator/core/template';
import { ROOT, TEMPLATES_DIR } from '../helpers/template';
import { BASH_OPTIONS } from '../helpers/sandbox';

type Json = Record<string, any>;
interface Rendered {
  template: Json;
  configuration: { Parameters: Record<string, string>; Tags?: Record<string, string> };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const renderer = require('../../scripts/render-service-template.js') as {
  renderServiceTemplate(t: Template, file: unknown, image: string, pseudo: Record<string, string>): Rendered;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { planDeploy } = require('../../scripts/plan-deploy.js') as {
  planDeploy(
    before: Rendered | null,
    after: Rendered,
  ): { steps: number; prepare: Rendered | null; deploy: Rendered; widened: Array<{ logicalId: string; summary: string }>; reason: string };
};

const PSEUDO = { 'AWS::Region': 'eu-west-1', 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
const IMAGE_A = '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-web-images-tools:aaaaaaa';
const IMAGE_B = '111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-web-images-tools:bbbbbbb';
const read = (rel: string) => JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, rel), 'utf8'));
const BLUE_GREEN = read('ecs-service.json');
const ROLLING = read('ecs-service-rolling.json');
const PARAMETERS = read('parameters/ecs-service/web/prod.json');

/** The rendered web/prod template, blue/green or rolling, with an image and parameter changes. */
function rendered(image: string, o: { rolling?: boolean; parameters?: Record<string, string> } = {}): Rendered {
  const file = { ...PARAMETERS, Parameters: { ...PARAMETERS.Parameters, ...(o.parameters ?? {}) } };
  if (o.rolling) {
    delete file.Parameters.NatPublicIps;
    delete file.Parameters.TrafficRouting;
  }
  return renderer.renderServiceTemplate(o.rolling ? ROLLING : BLUE_GREEN, file, image, PSEUDO);
}

const GREEN = ['TaskDefinition', 'TaskSet'];
const changedResources = (a: Json, b: Json) =>
  [...new Set([...Object.keys(a.Resources), ...Object.keys(b.Resources)])].filter((id) => JSON.stringify(a.Resources[id]) !== JSON.stringify(b.Resources[id])).sort();
const changedParameters = (a: Rendered, b: Rendered) =>
  Object.keys({ ...a.configuration.Parameters, ...b.configuration.Parameters })
    .filter((k) => a.configuration.Parameters[k] !== b.configuration.Parameters[k])
    .sort();

describe('blue/green: the change sequence', () => {
  test('image only: one update, which changes the task definition alone', () => {
    const plan = planDeploy(rendered(IMAGE_A), rendered(IMAGE_B));
    expect(plan.steps).toBe(1);
    expect(plan.prepare).toBeNull();
    expect(changedResources(rendered(IMAGE_A).template, plan.deploy.template)).toEqual(['TaskDefinition']);
    expect(plan.widened).toEqual([]);
  });

  test('infrastructure only (an alarm threshold, the health check path): one update, the task definition untouched', () => {
    const after = rendered(IMAGE_A, { parameters: { HealthCheckPath: '/ready' } });
    const plan = planDeploy(rendered(IMAGE_A), after);
    expect(plan.steps).toBe(1);
    expect(changedParameters(rendered(IMAGE_A), plan.deploy)).toEqual(['HealthCheckPath']);
    expect(JSON.stringify(plan.deploy.template.Resources.TaskDefinition)).toBe(JSON.stringify(rendered(IMAGE_A).template.Resources.TaskDefinition));
  });

  test('both: first the infrastructure with the running task definition, then the task definition alone', () => {
    const before = rendered(IMAGE_A);
    const after = rendered(IMAGE_B, { parameters: { HealthCheckPath: '/ready', DesiredCount: '4' } });
    const plan = planDeploy(before, after);
    expect(plan.steps).toBe(2);
    const prepare = plan.prepare!;
    // Update 1 changes no resource that starts a green deployment ...
    expect(changedResources(before.template, prepare.template).filter((id) => GREEN.includes(id))).toEqual([]);
    expect(changedParameters(before, prepare)).toEqual(['DesiredCount', 'HealthCheckPath']);
    expect(prepare.template.Parameters.ImageUri.Default).toBe(IMAGE_A);
    // ... and update 2 changes only such resources (and the image default).
    expect(changedResources(prepare.template, plan.deploy.template)).toEqual(['TaskDefinition']);
    expect(changedParameters(prepare, plan.deploy)).toEqual([]);
    expect(plan.deploy).toEqual(after);
  });

  test('a task CPU change (a parameter of the task definition) with a desired count change: the CPU waits for update 2', () => {
    const before = rendered(IMAGE_A);
    const plan = planDeploy(before, rendered(IMAGE_A, { parameters: { TaskCpu: '1024', TaskMemory: '2048', DesiredCount: '4' } }));
    expect(plan.steps).toBe(2);
    expect(changedParameters(before, plan.prepare!)).toEqual(['DesiredCount']);
    expect(changedParameters(plan.prepare!, plan.deploy)).toEqual(['TaskCpu', 'TaskMemory']);
  });

  test('a desired count change alone is one update of the service', () => {
    const before = rendered(IMAGE_A);
    const plan = planDeploy(before, rendered(IMAGE_A, { parameters: { DesiredCount: '5' } }));
    expect(plan.steps).toBe(1);
    expect(changedParameters(before, plan.deploy)).toEqual(['DesiredCount']);
  });

  test('nothing changed: one update that finds nothing to do', () => {
    const plan = planDeploy(rendered(IMAGE_A), rendered(IMAGE_A));
    expect([plan.steps, plan.widened]).toEqual([1, []]);
  });
});

describe('strategy switches and first deploys', () => {
  test('rolling to blue/green: first the blue/green stack with the running task definition, then the new image', () => {
    const before = rendered(IMAGE_A, { rolling: true });
    const plan = planDeploy(before, rendered(IMAGE_B));
    expect(plan.steps).toBe(2);
    expect(plan.reason).toMatch(/^switch to blue\/green/);
    expect(plan.prepare!.template.Transform).toBe('AWS::CodeDeployBlueGreen');
    expect(plan.prepare!.template.Resources.TaskDefinition).toEqual(before.template.Resources.TaskDefinition);
    expect(changedResources(plan.prepare!.template, plan.deploy.template)).toEqual(['TaskDefinition']);
  });

  test('blue/green to rolling: one update (no hook, no green deployment)', () => {
    expect(planDeploy(rendered(IMAGE_A), rendered(IMAGE_B, { rolling: true })).steps).toBe(1);
  });

  test('rolling with a new image and other changes: one update (ECS rolls the tasks)', () => {
    const r = (image: string, p: Record<string, string>) => rendered(image, { rolling: true, parameters: p });
    expect(planDeploy(r(IMAGE_A, {}), r(IMAGE_B, { HealthCheckPath: '/ready' })).steps).toBe(1);
  });

  test('a first deploy is one update, and every grant in it counts as widened', () => {
    const plan = planDeploy(null, rendered(IMAGE_A));
    expect(plan.steps).toBe(1);
    expect(plan.widened.map((f) => f.logicalId)).toEqual(expect.arrayContaining(['TaskRole', 'TaskExecutionRole', 'CheckFunctionRole', 'LoadBalancerSecurityGroup']));
  });

  test('a new statement for the task role is reported as widened', () => {
    const after = rendered(IMAGE_B);
    after.template.Resources.TaskRole.Properties.Policies.push({
      PolicyName: 'queue',
      PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:eu-west-1:333333333333:orders' }] },
    });
    expect(planDeploy(rendered(IMAGE_A), after).widened.map((f) => f.summary)).toEqual([
      'TaskRole (identity policy queue): allows sqs:SendMessage on arn:aws:sqs:eu-west-1:333333333333:orders',
    ]);
  });
});

describe('the command in the pipeline', () => {
  const SCRIPT = path.join(ROOT, 'scripts', 'plan-deploy.js');

  /** Runs the script against a stand-in aws whose history holds `deployed` (or nothing). */
  function run(after: Rendered, deployed: Rendered | null) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));
    try {
      const bin = path.join(dir, 'bin');
      const renderedDir = path.join(dir, 'rendered');
      fs.mkdirSync(bin);
      fs.mkdirSync(renderedDir);
      fs.writeFileSync(path.join(renderedDir, 'prod.json'), JSON.stringify(after.template));
      fs.writeFileSync(path.join(renderedDir, 'prod.config.json'), JSON.stringify(after.configuration));
      const history: Json[] = [{ pipelineExecutionId: 'e0', stageName: 'Deploy-dev', actionName: 'Deploy', status: 'Succeeded', startTime: '2026-01-03T00:00:00Z' }];
      if (deployed) {
        const artifact = path.join(dir, 'artifact');
        fs.mkdirSync(artifact);
        fs.writeFileSync(path.join(artifact, 'deploy.json'), JSON.stringify(deployed.template));
        fs.writeFileSync(path.join(artifact, 'deploy.config.json'), JSON.stringify(deployed.configuration));
        spawnSync('zip', ['-q', '-r', path.join(dir, 'artifact.zip'), '.'], { cwd: artifact });
        // The deploy step's inputs: the plan and the templates source (scripts/deploy-stack.js).
        const templates = { name: 'TemplatesOutput', s3location: { bucket: 'artifacts', key: 'shop-web/TemplatesO/xyz' } };
        const input = { inputArtifacts: [templates, { name: 'Plan-prod', s3location: { bucket: 'artifacts', key: 'shop-web/Plan-prod/abc' } }] };
        history.push(
          { pipelineExecutionId: 'e1', stageName: 'Deploy-prod', actionName: 'Deploy', status: 'Succeeded', startTime: '2026-01-01T00:00:00Z', input },
          // A later deploy that failed (or rolled back) does not count.
          {
            pipelineExecutionId: 'e2',
            stageName: 'Deploy-prod',
            actionName: 'Deploy',
            status: 'Failed',
            startTime: '2026-01-02T00:00:00Z',
            input: { inputArtifacts: [{ name: 'Plan-prod', s3location: { bucket: 'artifacts', key: 'broken' } }] },
          },
        );
      }
      fs.writeFileSync(path.join(dir, 'history.json'), JSON.stringify({ actionExecutionDetails: history }));
      fs.writeFileSync(
        path.join(bin, 'aws'),
        [
          '#!/bin/bash',
          'case "$*" in',
          `  "codepipeline list-action-executions --pipeline-name shop-web-pipeline-tools --max-results 100 --no-paginate --output json") cat "${dir}/history.json" ;;`,
          `  "s3api get-object --bucket artifacts --key shop-web/Plan-prod/abc "*) cp "${dir}/artifact.zip" "$7" > /dev/null ;;`,
          '  *) echo "unexpected aws $*" >&2; exit 2 ;;',
          'esac',
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
      const out = path.join(dir, 'plan');
      const r = spawnSync('node', [SCRIPT, '--pipeline', 'shop-web-pipeline-tools', '--environment', 'prod', '--rendered-dir', renderedDir, '--out-dir', out], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      });
      const file = (name: string) => (fs.existsSync(path.join(out, name)) ? JSON.parse(fs.readFileSync(path.join(out, name), 'utf8')) : undefined);
      // The exported variables, as the Commands action's shell sees them.
      const variables = spawnSync('bash', ['-c', `${r.stdout}\nprintf '%s\\n' "$STEPS" "$WIDENED" "$SUMMARY"`], { ...BASH_OPTIONS, encoding: 'utf8' }).stdout.split('\n');
      return { status: r.status, stderr: r.stderr, steps: variables[0], widened: variables[1], summary: variables[2], prepare: file('prepare.json'), deploy: file('deploy.json') };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('reads the last successful deploy from the pipeline history and writes both updates', () => {
    const r = run(rendered(IMAGE_B, { parameters: { HealthCheckPath: '/ready' } }), rendered(IMAGE_A));
    expect(r.stderr).toContain('compared with the deploy of execution e1');
    expect(r.status).toBe(0);
    expect([r.steps, r.widened, r.summary]).toEqual(['2', 'no', 'widens no permission']);
    expect(r.prepare.Resources.TaskDefinition).toEqual(rendered(IMAGE_A).template.Resources.TaskDefinition);
    expect(r.deploy.Parameters.ImageUri.Default).toBe(IMAGE_B);
  });

  test('without history: one update, every grant counts as widened, and the summary fits the approval message', () => {
    const r = run(rendered(IMAGE_B), null);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('no earlier deploy to prod by this pipeline');
    expect([r.steps, r.widened]).toEqual(['1', 'yes']);
    expect(r.summary).toMatch(
      /^widens CheckFunctionKeepWarmPermission \(resource policy\): allows lambda:InvokeFunction to Service:events\.amazonaws\.com .*; CheckFunctionRole \(trust\)/,
    );
    expect(r.summary.length).toBeLessThanOrEqual(320);
    expect(JSON.stringify(r.prepare)).toBe(JSON.stringify(r.deploy));
  });
});
