/** README.md. */
import { Stated, grouped, sourceMatch as match, statements } from './stated';
import { CONFIG_SCHEMA } from './code';

const [oldest] = match('package.json', /"node": ">=([\d.]+)"/);
const [nodeA, nodeB] = match('scripts/lib/terminal.ts', /use Node (\d+) or (\d+)/);

const { code, measured, label, cited } = statements('README.md');

export const README: Stated[] = [
  code(`Node.js ${nodeA} or ${nodeB}`),
  label('Python 3 with cfn-lint'),
  code(`Node ${oldest} still runs everything`),
  cited('reached end of life in April 2026', 'by the Node.js release schedule'),
  measured('(100 services in about 2x a bare Node start)'),
  measured('and 100 services take about 0.4 s of CPU'),
  measured('a first write uses about 50 times less CPU than `cdk synth`'),
  cited(
    `up to ${grouped(CONFIG_SCHEMA.properties.services.maxItems)} services, CodePipeline's default quota of ${grouped(CONFIG_SCHEMA.properties.services.maxItems)} pipelines per Region`,
    'docs/configuration.md',
    true,
  ),
];
