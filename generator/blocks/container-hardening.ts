/**
 * Container defaults that scanners expect, on by default and switched off per service:
 *
 * - a read-only root file system, with a writable `/tmp` (a task-scoped bind mount on
 *   Fargate's ephemeral storage), so that the image cannot be changed at run time;
 * - every Linux capability dropped (`LinuxParameters.Capabilities.Drop: ["ALL"]`): on
 *   Fargate a task cannot add capabilities beyond SYS_PTRACE, and nothing is privileged,
 *   so this is how the container gives up root's remaining powers.
 *
 * The container runs as the image's `USER`: no `User` is set, so an image that declares
 * a non-root user runs as it.
 */
import { AWS, equals, ifCond, ref } from '../core/intrinsics';
import { Properties, StringParameter, TemplateBuilder } from '../core/template';

export const HARDENING_IDS = {
  readonlyRootFilesystem: 'ReadonlyRootFilesystem',
  dropLinuxCapabilities: 'DropLinuxCapabilities',
  isReadonlyRootFilesystem: 'IsReadonlyRootFilesystem',
  dropsLinuxCapabilities: 'DropsLinuxCapabilities',
} as const;

/** The writable scratch directory of a read-only container. */
export const SCRATCH_VOLUME = { name: 'tmp', path: '/tmp' } as const;

const SWITCH = (description: string): StringParameter => ({ Type: 'String', Description: description, Default: 'true', AllowedValues: ['true', 'false'] });

export interface ContainerHardening {
  /** Properties of the container definition. */
  readonly container: Properties;
  /** The task definition's Volumes. */
  readonly volumes: ReadonlyArray<Record<string, unknown>>;
}

export function containerHardening(t: TemplateBuilder): ContainerHardening {
  const readonly = t.parameter(HARDENING_IDS.readonlyRootFilesystem, SWITCH('Whether the container root file system is read-only (/tmp stays writable)'));
  const drop = t.parameter(HARDENING_IDS.dropLinuxCapabilities, SWITCH('Whether the container drops every Linux capability'));
  const isReadonly = t.condition(HARDENING_IDS.isReadonlyRootFilesystem, equals(ref(readonly), 'true'));
  const drops = t.condition(HARDENING_IDS.dropsLinuxCapabilities, equals(ref(drop), 'true'));
  return {
    container: {
      ReadonlyRootFilesystem: ifCond(isReadonly, true, false),
      MountPoints: [{ SourceVolume: SCRATCH_VOLUME.name, ContainerPath: SCRATCH_VOLUME.path, ReadOnly: false }],
      LinuxParameters: ifCond(drops, { Capabilities: { Drop: ['ALL'] } }, AWS.noValue),
    },
    volumes: [{ Name: SCRATCH_VOLUME.name }],
  };
}
