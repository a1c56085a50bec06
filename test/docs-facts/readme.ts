/** README.md. */
import { Stated, sourceMatch as match, statements } from './stated';

const [oldest] = match('package.json', /"node": ">=([\d.]+)"/);
const [nodeA, nodeB] = match('scripts/lib/terminal.ts', /use Node (\d+) or (\d+)/);
const [budgetFactor] = match('scripts/bench.ts', /\(([\d.]+) \* node \+/);
const [budgetServices] = match('scripts/bench.ts', /budget\('npm-unchanged-(\d+)'/);

const { code, measured, label, cited } = statements('README.md');

export const README: Stated[] = [
  code(`Node.js ${nodeA} or ${nodeB}`),
  label('Python 3 with cfn-lint'),
  code(`Node ${oldest} still runs everything`),
  cited('reached end of life in April 2026', 'by the Node.js release schedule'),
  code(`regenerates ${budgetServices} services within its budget (${budgetFactor} x a bare Node start`),
  measured('1,000 services in about 3x the CPU of one, and with 43 to 79 times less CPU than `cdk synth`'),
  measured('a first write of 1,000 services is bound by the file system'),
];
