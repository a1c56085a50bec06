/**
 * The defaults of generator/config/defaults.ts are the ones the configuration schema
 * describes ("Default ...") and the ones a configuration without the optional fields
 * resolves to: the schema text and the code cannot tell a user two different values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../generator/config/load';
import { ENVIRONMENT_DEFAULTS, NATIVE_DEFAULTS, SERVICE_DEFAULTS, SERVICE_ENVIRONMENT_DEFAULTS, SOURCE_DEFAULTS, TOOLS_DEFAULTS } from '../generator/config/defaults';
import { SCHEMA_DIR } from '../generator/core/paths';

type Schema = { description?: string; properties?: Record<string, Schema>; items?: Schema; additionalProperties?: Schema };
const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'config.schema.json'), 'utf8')) as Schema;

function described(...at: string[]): string {
  let s: Schema | undefined = schema;
  for (const key of at) s = key === '[]' ? s?.items : key === '{}' ? s?.additionalProperties : s?.properties?.[key];
  return s?.description ?? '';
}

const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

const CASES: Array<[string[], Record<string, unknown>]> = [
  [['tools'], TOOLS_DEFAULTS],
  [['environments', '[]'], { vpcCidr: ENVIRONMENT_DEFAULTS.vpcCidr }],
  [['source'], SOURCE_DEFAULTS],
  [['services', '[]'], SERVICE_DEFAULTS],
  [['services', '[]', 'environments', '{}'], { ...SERVICE_ENVIRONMENT_DEFAULTS, ...NATIVE_DEFAULTS }],
];

describe('configuration defaults', () => {
  test.each(CASES.flatMap(([at, values]) => Object.entries(values).map(([field, value]) => [[...at, field].join('.'), at, field, value] as const)))(
    'the schema describes %s with its default',
    (_name, at, field, value) => {
      expect(described(...at, field)).toContain(`Default ${shown(value)}`);
    },
  );

  test('a configuration without the optional fields resolves to them', () => {
    const minimal = {
      project: { name: 'shop', costCenter: 'cc-1' },
      tools: { accountId: '111111111111' },
      environments: [
        { name: 'dev', accountId: '222222222222' },
        { name: 'prod', accountId: '333333333333' },
      ],
      source: { connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d', repository: 'org/shop' },
      notifications: { approvalEmail: 'ops@example.com', alertEmail: 'ops@example.com' },
      services: [{ name: 'orders', containerPort: 8080 }],
    };
    const c = parseConfig(JSON.stringify(minimal), 'minimal.json');
    expect(c.tools.environmentSuffix).toBe(TOOLS_DEFAULTS.environmentSuffix);
    expect(c.environments.map((e) => [e.vpcCidr, e.requiresApproval])).toEqual([
      [ENVIRONMENT_DEFAULTS.vpcCidr, false],
      [ENVIRONMENT_DEFAULTS.vpcCidr, true],
    ]);
    expect([c.source.provider, c.source.branch]).toEqual([SOURCE_DEFAULTS.provider, SOURCE_DEFAULTS.branch]);
    expect(c.environments.map((e) => e.rollbackMonitoringMinutes)).toEqual([ENVIRONMENT_DEFAULTS.rollbackMonitoringMinutes, ENVIRONMENT_DEFAULTS.rollbackMonitoringMinutes]);
    const { name: _name, containerPort: _port, environments, containerHealthCheck, taskRoleStatements, ...service } = c.services[0];
    expect(service).toEqual(SERVICE_DEFAULTS);
    // Derived from the port and the health check path rather than a constant.
    expect(containerHealthCheck).toBe(`curl -f http://localhost:8080${SERVICE_DEFAULTS.healthCheckPath} || exit 1`);
    expect(taskRoleStatements).toEqual([]);
    expect(environments.dev).toMatchObject({ ...SERVICE_ENVIRONMENT_DEFAULTS, trafficRouting: 'AllAtOnce', native: NATIVE_DEFAULTS });
    expect(environments.prod).toMatchObject({ ...SERVICE_ENVIRONMENT_DEFAULTS, trafficRouting: 'TimeBasedCanary', native: NATIVE_DEFAULTS });
  });
});
