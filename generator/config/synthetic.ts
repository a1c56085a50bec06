/**
 * A valid project of any number of services across the example's environments (dev,
 * staging, prod), for the scale tests and `npm run bench`. Services vary in size,
 * desired count and production traffic routing, as a real project's would.
 */
import * as fs from 'node:fs';
import { EXAMPLE_CONFIG_PATH } from './load';
import { ProjectConfig, ServiceConfig } from './types';

const SIZES = [
  { cpu: 256, memoryMiB: 512 },
  { cpu: 512, memoryMiB: 2048 },
  { cpu: 1024, memoryMiB: 4096 },
  { cpu: 2048, memoryMiB: 8192 },
] as const;

export function syntheticConfig(serviceCount: number): ProjectConfig {
  const example = JSON.parse(fs.readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')) as ProjectConfig;
  const services: ServiceConfig[] = Array.from({ length: serviceCount }, (_, i) => ({
    name: `svc-${String(i + 1).padStart(3, '0')}`,
    containerPort: 8000 + i,
    ...SIZES[i % SIZES.length],
    desiredCount: 1 + (i % 3),
    environments: { prod: { trafficRouting: i % 2 ? 'TimeBasedLinear' : 'TimeBasedCanary', desiredCount: 3 } },
  }));
  return { ...example, services };
}
