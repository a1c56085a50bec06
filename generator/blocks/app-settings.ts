/**
 * A service environment's application settings as the render step writes them into the
 * service template (scripts/render-service-template.js): the container's Environment and
 * Secrets, the task execution role's statements that read exactly those secrets, and the
 * task role's configured statements.
 *
 * Why written in, not passed as parameters: the service templates are shared by every
 * service and environment, and a parameter cannot carry a list of objects; and the
 * AWS::CodeDeployBlueGreen transform starts a green deployment only when the template text
 * of the task definition changes, so a setting passed as a parameter would never reach
 * the tasks of a blue/green service. The settings travel in the environment's parameter
 * file under SETTINGS_KEY, which the render step removes from the template configuration
 * it hands to CloudFormation. Only references to secrets are ever written: values stay in
 * Secrets Manager and SSM, and ECS reads them when a task starts.
 *
 * IAM, from "Pass sensitive data to an Amazon ECS container" (Amazon ECS Developer Guide)
 * and "Permissions to AWS Secrets Manager secrets" (Secrets Manager User Guide):
 * secretsmanager:GetSecretValue on each secret's ARN (a secret given by name as
 * `name-??????`, matching the 6 random characters Secrets Manager appends), and
 * ssm:GetParameters on each parameter's ARN. kms:Decrypt only for a customer managed key,
 * on that key, and only through Secrets Manager or SSM (kms:ViaService); a secret under
 * the AWS managed key needs no grant, as that key's policy lets the account's principals
 * decrypt through the service.
 */
import { Statement, allow, anyResource } from '../core/iam';
import { Value, sub } from '../core/intrinsics';
import { ResolvedConfig } from '../config/types';
import { PARAMETER_ARN, ResolvedAppSettings, SECRET_ARN, SecretReference, TaskRoleStatementConfig } from '../config/app-settings';

/** The key of the parameter file that carries the settings (never sent to CloudFormation). */
export const SETTINGS_KEY = 'ServiceSettings';

import type { ServiceSettings } from '../core/parameter-file';
export type { ServiceSettings };

const HERE = 'arn:${AWS::Partition}:{service}:${AWS::Region}:${AWS::AccountId}';

/** The ValueFrom ECS reads: the name or ARN, with `:json-key:version-stage:version-id` when given. */
export function valueFrom(ref: SecretReference): string {
  if (ref.ssmParameter !== undefined) return ref.ssmParameter;
  const id = ref.secretsManager!;
  if (ref.jsonKey === undefined && ref.versionStage === undefined && ref.versionId === undefined) return id;
  return `${id}:${ref.jsonKey ?? ''}:${ref.versionStage ?? ''}:${ref.versionId ?? ''}`;
}

/** The ARN (pattern) that IAM matches for a secret or parameter. */
export function secretResource(ref: SecretReference): Value<string> {
  if (ref.ssmParameter !== undefined) {
    if (PARAMETER_ARN.test(ref.ssmParameter)) return ref.ssmParameter;
    return sub(`${HERE.replace('{service}', 'ssm')}:parameter/${ref.ssmParameter.replace(/^\//, '')}`);
  }
  const id = ref.secretsManager!;
  if (SECRET_ARN.test(id)) return id;
  return sub(`${HERE.replace('{service}', 'secretsmanager')}:secret:${id}-??????`);
}

/** The kms:ViaService value of the service that decrypts a secret, in the secret's Region. */
function viaService(ref: SecretReference): Value<string> {
  const service = ref.ssmParameter !== undefined ? 'ssm' : 'secretsmanager';
  const arn = ref.ssmParameter ?? ref.secretsManager!;
  const m = /^arn:(aws[a-z-]*):[a-z]+:([a-z0-9-]+):/.exec(arn);
  if (!m) return sub(`${service}.\${AWS::Region}.\${AWS::URLSuffix}`);
  return `${service}.${m[2]}.${m[1] === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

function unique<T>(values: readonly T[]): T[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = JSON.stringify(v);
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

/** The execution role's statements that read exactly the configured secrets. */
export function secretReadStatements(secrets: Readonly<Record<string, SecretReference>>): Statement[] {
  const refs = Object.values(secrets);
  const sm = refs.filter((r) => r.secretsManager !== undefined);
  const ssm = refs.filter((r) => r.ssmParameter !== undefined);
  const keyed = refs.filter((r) => r.kmsKeyArn !== undefined);
  return [
    ...(sm.length ? [allow('ReadSecrets', ['secretsmanager:GetSecretValue'], unique(sm.map(secretResource)))] : []),
    ...(ssm.length ? [allow('ReadSecretParameters', ['ssm:GetParameters'], unique(ssm.map(secretResource)))] : []),
    ...(keyed.length
      ? [
          allow('DecryptSecrets', ['kms:Decrypt'], unique(keyed.map((r) => r.kmsKeyArn!)), {
            condition: { StringEquals: { 'kms:ViaService': unique(keyed.map(viaService)) } },
          }),
        ]
      : []),
  ];
}

/** The configured task role statements, through the same checks as every statement. */
export function taskRoleStatements(configured: readonly TaskRoleStatementConfig[]): Statement[] {
  return configured.map((st) =>
    st.resources.length === 1 && st.resources[0] === '*'
      ? allow(st.sid, st.actions, anyResource(st.anyResourceBecause ?? ''))
      : allow(
          st.sid,
          st.actions,
          st.resources.map((r) => (r.includes('${') ? sub(r) : r)),
        ),
  );
}

/** The settings section of one service environment's parameter file. */
export function serviceSettings(settings: ResolvedAppSettings, configured: readonly TaskRoleStatementConfig[]): ServiceSettings {
  return {
    Environment: Object.entries(settings.environment).map(([Name, Value]) => ({ Name, Value })),
    Secrets: Object.entries(settings.secrets).map(([Name, ref]) => ({ Name, ValueFrom: valueFrom(ref) })),
    ExecutionRoleStatements: secretReadStatements(settings.secrets),
    TaskRoleStatements: taskRoleStatements(configured),
  };
}

/** Room for the image URI in a rendered template: ImageUri's default and the container's image. */
const IMAGE_ROOM_BYTES = 2 * 1024;

/**
 * The rendered template of a service environment must still fit in a template body: its
 * size is estimated from the template on one line (as the render step writes it), the
 * settings and room for the image, and a problem names the environment's settings.
 */
export function settingsSizeProblems(
  config: ResolvedConfig,
  template: unknown,
  file: { readonly path: string; readonly settings?: ServiceSettings },
  limitBytes: number,
): string[] {
  if (!file.settings) return [];
  const bytes = Buffer.byteLength(JSON.stringify(template)) + Buffer.byteLength(JSON.stringify(file.settings)) + IMAGE_ROOM_BYTES;
  if (bytes <= limitBytes) return [];
  const [, service, env] = /\/([^/]+)\/([^/]+)\.json$/.exec(file.path) ?? [];
  const i = config.services.findIndex((s) => s.name === service);
  return [
    `services[${i}].environments.${env} (in ${file.path}): the environment, secrets and taskRoleStatements make the rendered template about ${bytes} bytes; ` +
      `a template body may have at most ${limitBytes}: shorten the plain values, or read several secrets from one JSON secret by jsonKey`,
  ];
}
