/**
 * The delivery pipeline of one containerized service, in the tools account, as two
 * templates deployed with `aws cloudformation deploy` once per service:
 *
 * - pipeline-build.json: artifact bucket and KMS key, CodeBuild cache, ECR repository,
 *   registry credentials secret, CodeBuild projects (build, unit tests, image scan, deploy
 *   check).
 * - pipeline.json: the pipeline itself with its deploy step (a CodeBuild project and the
 *   role the member deploy roles trust): Source, its own update (the two pipeline stacks,
 *   generator/blocks/pipeline-self-update.ts), Build (docker image tagged with the commit
 *   id, pushed to ECR), Test (unit tests and the image scan in parallel), then for each
 *   environment of the configuration, in order, a check, an optional manual approval and
 *   a Deploy stage whose CodeBuild step creates and executes change sets of the service
 *   stack in that environment's account, with the stack's alarms as rollback triggers
 *   (generator/blocks/pipeline-deploy-step.ts).
 *
 * One template would be simpler, but the whole pipeline serializes to more than the
 * 51,200 bytes of a template body even with a single environment. The split follows
 * the order of creation: pipeline.json refers to the build stack's resources by the
 * names the naming module derives and imports only the artifact key ARN. The deploy step
 * lives with the pipeline, as the pipeline role does: both run the deploys, both sit under
 * the pipeline role path, and the build stack keeps its headroom under the limit.
 *
 * The deploy actions take the service template and its parameter files from a second
 * source action on the repository that holds templates/, pinned to a branch; it never
 * starts the pipeline itself. Each run deploys the templates revision it fetched when it
 * started, in every environment.
 *
 * The stage list is generated from config.environments; everything that differs between
 * installations (accounts, source, e-mail, images) is a parameter.
 */
export * from './ids';
export { buildPipelineBuildTemplate } from './build-template';
export { buildPipelineTemplate, pipelineStackTemplates } from './pipeline-template';
export { buildImageParameters, pipelineBuildParameterFiles, pipelineParameterFiles } from './parameter-files';
