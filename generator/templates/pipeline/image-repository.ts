/** pipeline-build.json's ECR repository and registry credentials. */
import { trust } from '../../core/iam';
import { ConditionHandle, ref, sub } from '../../core/intrinsics';
import { standardName } from '../../core/naming';
import { TemplateBuilder } from '../../core/template';
import { PIPELINE_IDS as ID } from './ids';
import { Build, Common } from './parameters';
import { Scope, accountRoot, distinctAccounts, v } from './shared';

/** The repository the member accounts pull from, and the secret the build logs in to the registry with. */
export function imageRepository(t: TemplateBuilder, c: Common, p: Build, s: Scope, rotate: ConditionHandle) {
  const memberAccounts = distinctAccounts(c.environments);
  // --- Image repository and registry credentials.
  const repository = t.resource(ID.repository, 'AWS::ECR::Repository', {
    RepositoryName: standardName('ecr-repository', 'images', s),
    ImageTagMutability: 'IMMUTABLE',
    ImageScanningConfiguration: { ScanOnPush: true },
    EmptyOnDelete: true,
    LifecyclePolicy: {
      LifecyclePolicyText: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: 'untagged images (failed pushes) after 1 day',
            selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 },
            action: { type: 'expire' },
          },
          {
            rulePriority: 2,
            description: 'keep the newest 200 images',
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 200 },
            action: { type: 'expire' },
          },
        ],
      }),
    },
    // ECS in the member accounts pulls with the task execution roles, which live under the
    // project's workload role path. A repository policy statement names no Resource.
    RepositoryPolicyText: {
      Version: '2012-10-17',
      Statement: [
        trust('MemberAccountsPull', { AWS: memberAccounts.map((e) => accountRoot(e.account)) }, {
          actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          condition: {
            ArnLike: {
              'aws:PrincipalArn': memberAccounts.map((e) => sub(`arn:\${AWS::Partition}:iam::${v(e.account)}:role/${v(c.project)}-workload/*`)),
            },
          },
        }),
      ],
    },
  });

  const secret = t.resource(ID.registrySecret, 'AWS::SecretsManager::Secret', {
    Name: standardName('secret', 'registry-credentials', s),
    Description: 'Docker Hub credentials for base image pulls; the build skips the login while username is empty',
    GenerateSecretString: {
      SecretStringTemplate: '{"username":""}',
      GenerateStringKey: 'password',
      PasswordLength: 32,
      ExcludePunctuation: true,
    },
  });
  t.resource(
    ID.registrySecretRotation,
    'AWS::SecretsManager::RotationSchedule',
    { SecretId: secret.ref(), RotationLambdaARN: ref(p.rotationFunctionArn), RotationRules: { ScheduleExpression: 'rate(30 days)' } },
    { condition: rotate },
  );
  return { repository, secret };
}

export type ImageRepository = ReturnType<typeof imageRepository>;
