/** pipeline-build.json's CodeBuild side: log group, report groups, roles and projects. */
import { allow } from '../../core/iam';
import { ref, sub } from '../../core/intrinsics';
import { pipelineStackRoleNameParts, standardName } from '../../core/naming';
import { ResourceHandle, TemplateBuilder } from '../../core/template';
import { serviceTrust } from '../../blocks/role';
import { ArtifactStore } from './artifact-store';
import { buildBuildSpec, checkBuildSpec, scanBuildSpec, unitTestBuildSpec } from './build-specs';
import { BuildResources, codeBuildProject, codeBuildProjectsOf, codeBuildStatements } from './codebuild';
import { CODEBUILD_PROJECTS, PIPELINE_IDS as ID } from './ids';
import { ImageRepository } from './image-repository';
import { SharedNames } from './names';
import { Build, Common } from './parameters';
import { roleUnderPipelinePath } from './roles';
import { Scope, arn, att, subText, v } from './shared';

const LOG_RETENTION_DAYS = 30;

/** The log group and report groups of the projects, and what the projects use of the build stack. */
export function codeBuildLogs(t: TemplateBuilder, names: SharedNames, store: ArtifactStore) {
  const s = names.scope;
  const { key, artifacts, cache } = store;
  // --- CodeBuild: one log group (the deploy step in pipeline.json logs there too), two report groups, two roles, four projects.
  const logs = t.resource(ID.buildLogGroup, 'AWS::Logs::LogGroup', {
    LogGroupName: names.logGroup,
    RetentionInDays: LOG_RETENTION_DAYS,
  });
  const reportGroup = (id: string, name: string) =>
    t.resource(id, 'AWS::CodeBuild::ReportGroup', {
      Name: standardName('codebuild-report-group', name, s),
      Type: 'TEST',
      ExportConfig: { ExportConfigType: 'NO_EXPORT' },
      DeleteReports: true,
    });
  const unitTestReports = reportGroup(ID.unitTestReports, 'unit-tests');
  const scanReports = reportGroup(ID.scanReports, 'image-scan');

  const buildResources: BuildResources = {
    key: att(key, 'Arn'),
    artifacts: `\${${artifacts.logicalId}.Arn}`,
    cache: `\${${cache.logicalId}.Arn}`,
    logs: `\${${logs.logicalId}.Arn}`,
    cacheName: `\${${cache.logicalId}}`,
    logGroup: logs.ref(),
  };
  return { buildResources, unitTestReports, scanReports };
}

type Logs = ReturnType<typeof codeBuildLogs>;

/** The build's and the tests' roles. */
export function codeBuildRoles(t: TemplateBuilder, c: Common, p: Build, names: SharedNames, image: ImageRepository, l: Logs) {
  const s = names.scope;
  const { repository, secret } = image;
  const { buildResources, unitTestReports, scanReports } = l;
  // Two roles: the build pushes images and reads the registry credentials; the unit tests
  // (which run the application's code with the role's credentials) and the scan may only
  // read scan results and write reports.
  const codeBuildProjects = codeBuildProjectsOf(s);
  const buildRole = roleUnderPipelinePath(t, ID.buildRole, c, (...n) => pipelineStackRoleNameParts(...n, 'builder'), {
    description: 'CodeBuild: builds and pushes the image, renders the service templates',
    assumedBy: { Service: 'codebuild.amazonaws.com' },
    // CodeBuild sets the build project's ARN (CodeBuild User Guide, "Cross-service confused deputy prevention").
    trustCondition: serviceTrust(codeBuildProjects),
    policyName: 'codebuild-build',
    statements: [
      ...codeBuildStatements(p, buildResources, true),
      // The deploy check reads what the pipeline deployed last (scripts/plan-deploy.js).
      allow('ReadDeployHistory', ['codepipeline:ListActionExecutions'], [arn('codepipeline', subText(names.pipeline))]),
      allow(
        'PushImage',
        [
          'ecr:BatchCheckLayerAvailability',
          // BuildKit asks for each manifest before it pushes it.
          'ecr:BatchGetImage',
          'ecr:CompleteLayerUpload',
          'ecr:DescribeImages',
          'ecr:InitiateLayerUpload',
          'ecr:PutImage',
          'ecr:UploadLayerPart',
        ],
        [att(repository, 'Arn')],
      ),
      allow('RegistryCredentials', ['secretsmanager:GetSecretValue'], [secret.ref()]),
    ],
  });
  const testRole = roleUnderPipelinePath(t, ID.testRole, c, (...n) => pipelineStackRoleNameParts(...n, 'tester'), {
    description: 'CodeBuild: unit tests and image scan',
    assumedBy: { Service: 'codebuild.amazonaws.com' },
    trustCondition: serviceTrust(codeBuildProjects),
    policyName: 'codebuild-test',
    statements: [
      ...codeBuildStatements(p, buildResources, false),
      // BatchGetImage: the manifest of the tag, to scan each image of an image index.
      allow('ReadScanFindings', ['ecr:BatchGetImage', 'ecr:DescribeImageScanFindings', 'ecr:DescribeImages'], [att(repository, 'Arn')]),
      allow(
        'WriteReports',
        ['codebuild:BatchPutTestCases', 'codebuild:CreateReport', 'codebuild:UpdateReport'],
        [att(unitTestReports, 'Arn'), att(scanReports, 'Arn')],
      ),
    ],
  });
  return { buildRole, testRole };
}

/** The build, check, unit test and scan projects. */
export function codeBuildProjects(
  t: TemplateBuilder,
  c: Common,
  p: Build,
  s: Scope,
  image: ImageRepository,
  l: Logs,
  roles: { readonly buildRole: ResourceHandle; readonly testRole: ResourceHandle },
): void {
  const envs = c.environments;
  const { repository, secret } = image;
  const { buildResources, unitTestReports, scanReports } = l;
  const { buildRole, testRole } = roles;
  const repositoryName = { Name: 'REPOSITORY_NAME', Value: repository.ref() };
  codeBuildProject(t, ID.buildProject, s, p, buildResources, {
    name: CODEBUILD_PROJECTS.build,
    role: buildRole,
    buildSpec: buildBuildSpec(
      secret,
      envs.map((e) => e.name),
    ),
    privileged: true,
    cached: true,
    variables: [
      repositoryName,
      { Name: 'REGISTRY_HOST', Value: sub('${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}') },
      { Name: 'SERVICE_NAME', Value: ref(c.service) },
      { Name: 'IMAGE_PLATFORMS', Value: ref(p.imagePlatforms) },
    ],
  });
  codeBuildProject(t, ID.checkProject, s, p, buildResources, {
    name: CODEBUILD_PROJECTS.check,
    role: buildRole,
    buildSpec: checkBuildSpec(),
    variables: [],
  });
  codeBuildProject(t, ID.unitTestProject, s, p, buildResources, {
    name: CODEBUILD_PROJECTS.unitTests,
    role: testRole,
    buildSpec: unitTestBuildSpec(unitTestReports),
    cached: true,
    variables: [{ Name: 'UNIT_TEST_COMMAND', Value: ref(p.unitTestCommand) }],
  });
  codeBuildProject(t, ID.scanProject, s, p, buildResources, {
    name: CODEBUILD_PROJECTS.scan,
    role: testRole,
    buildSpec: scanBuildSpec(scanReports),
    variables: [
      repositoryName,
      { Name: 'CRITICAL_THRESHOLD', Value: sub(v(p.scanCriticalThreshold)) },
      { Name: 'ALLOW_UNSUPPORTED', Value: ref(p.scanAllowUnsupportedImage) },
      { Name: 'TIMEOUT_MINUTES', Value: sub(v(p.scanTimeoutMinutes)) },
    ],
  });
}
