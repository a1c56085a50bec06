/** The names both pipeline stacks derive from their parameters. */
import { artifactBucketName, memberRoleArn, physicalName, serviceDeployRoleArn, standardName } from '../../core/naming';
import { sub } from '../../core/intrinsics';
import { Common } from './parameters';
import { Environment, Scope, v } from './shared';

/** Names both stacks derive the same way: the build stack creates, the pipeline stack refers. */
export function sharedNames(c: Common) {
  const s: Scope = { project: c.project, service: c.service, suffix: c.suffix };
  return {
    scope: s,
    artifactBucket: artifactBucketName(c.project, c.service, c.suffix),
    cacheBucket: physicalName('s3-bucket', [c.project, '-', c.service, '-cache-', c.suffix, '-', 'AWS::AccountId']),
    /** The CodeBuild projects' log group. */
    logGroup: physicalName('log-group', ['/', c.project, '/', c.service, '/codebuild-', c.suffix]),
    project: (name: string) => standardName('codebuild-project', name, s),
    /** Export of the artifact key ARN (a key ARN cannot be derived from names). */
    artifactKeyExport: sub(`${v(c.project)}-${v(c.service)}-artifact-key-${v(c.suffix)}`),
    pipeline: standardName('codepipeline', 'pipeline', s),
    /** The change set of every update of the service stacks (scripts/deploy-stack.js). */
    changeSet: sub(`${v(c.project)}-${v(c.service)}-pipeline`),
  };
}

/** The member roles a pipeline uses: its own service's deploy role, and the shared execution role it passes. */
export const memberRole = (c: Common, e: Environment, r: 'deploy' | 'execution') =>
  r === 'deploy' ? serviceDeployRoleArn(e.account, c.project, c.service, e.suffix) : memberRoleArn(r, e.account, c.project, e.suffix);

export type SharedNames = ReturnType<typeof sharedNames>;
