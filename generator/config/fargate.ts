/**
 * The task CPU and memory combinations Fargate supports (Amazon ECS Developer Guide,
 * "Task CPU and memory"; RegisterTaskDefinition `memory`). Linux platform version 1.4.0.
 */

export interface FargateSize {
  readonly cpu: number;
  /** Allowed memory in MiB, smallest first. */
  readonly memoryMiB: readonly number[];
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

export const FARGATE_SIZES: readonly FargateSize[] = [
  { cpu: 256, memoryMiB: [512, 1024, 2048] },
  { cpu: 512, memoryMiB: range(1024, 4096, 1024) },
  { cpu: 1024, memoryMiB: range(2048, 8192, 1024) },
  { cpu: 2048, memoryMiB: range(4096, 16384, 1024) },
  { cpu: 4096, memoryMiB: range(8192, 30720, 1024) },
  { cpu: 8192, memoryMiB: range(16384, 61440, 4096) },
  { cpu: 16384, memoryMiB: range(32768, 122880, 8192) },
];

/** The memory sizes Fargate accepts with this CPU, or undefined for a CPU value it does not offer. */
export function fargateMemoryFor(cpu: number): readonly number[] | undefined {
  return FARGATE_SIZES.find((s) => s.cpu === cpu)?.memoryMiB;
}

/** `512, 1024 or 2048`, or `8192 to 30720 in steps of 1024` for a long list. */
export function describeMemory(sizes: readonly number[]): string {
  if (sizes.length <= 4) return sizes.length === 1 ? String(sizes[0]) : `${sizes.slice(0, -1).join(', ')} or ${sizes[sizes.length - 1]}`;
  return `${sizes[0]} to ${sizes[sizes.length - 1]} in steps of ${sizes[1] - sizes[0]}`;
}
