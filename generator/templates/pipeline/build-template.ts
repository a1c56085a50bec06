/** pipeline-build.json: the build side of a service's pipeline, from its sections. */
import { equals, not, ref } from '../../core/intrinsics';
import { Template, TemplateBuilder } from '../../core/template';
import { ResolvedConfig } from '../../config/types';
import { artifactStore } from './artifact-store';
import { codeBuildLogs, codeBuildProjects, codeBuildRoles } from './build-projects';
import { imageRepository } from './image-repository';
import { sharedNames } from './names';
import { accountRules, buildParameters, commonParameters } from './parameters';
import { att } from './shared';

/**
 * pipeline-build.json: the build side of a service's pipeline. The artifact store (bucket
 * and KMS key, readable by the member accounts' deploy roles), the CodeBuild cache, the
 * ECR repository the member accounts pull from, the registry credentials secret and the
 * build, test, scan and check projects with their roles, logs and report groups. Deployed
 * before pipeline.json, which imports the artifact key ARN.
 */
export function buildPipelineBuildTemplate(config: ResolvedConfig): Template {
  const t = new TemplateBuilder(
    "Build side of one service's pipeline (tools account): artifact bucket and key, cache, ECR repository, registry secret, CodeBuild projects (build, unit tests, image scan, deploy check). Deploy before pipeline.json.",
  );
  const c = commonParameters(t, config);
  const p = buildParameters(t);
  accountRules(t, c);
  const names = sharedNames(c);
  const s = names.scope;
  const rotate = t.condition('RotateRegistrySecret', not(equals(ref(p.rotationFunctionArn), '')));

  const { key, artifacts, cache } = artifactStore(t, c, names);
  const { repository, secret } = imageRepository(t, c, p, s, rotate);
  const logs = codeBuildLogs(t, names, { key, artifacts, cache });
  const roles = codeBuildRoles(t, c, p, names, { repository, secret }, logs);
  codeBuildProjects(t, c, p, s, { repository, secret }, logs, roles);

  t.output('ArtifactKeyArn', { description: 'KMS key of the pipeline artifacts', value: att(key, 'Arn'), exportName: names.artifactKeyExport });
  t.output('ArtifactBucketName', { description: 'Artifact bucket', value: artifacts.ref() });
  t.output('RepositoryUri', { description: 'ECR repository of the service images', value: att(repository, 'RepositoryUri') });
  t.output('RegistrySecretArn', { description: 'Docker registry credentials', value: secret.ref() });
  return t.build();
}
