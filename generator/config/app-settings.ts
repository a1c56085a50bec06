/**
 * Application settings of a service: plain environment variables, secrets passed by
 * reference, extra task role statements and the container health check. The shapes, the
 * rules a schema cannot say (checked at load, with the field in every message) and the
 * resolution of per-environment overrides live here; generator/blocks/app-settings.ts
 * turns the resolved settings into the task definition's Environment and Secrets and the
 * roles' statements.
 *
 * Secrets follow "Pass sensitive data to an Amazon ECS container" and "Pass Secrets
 * Manager secrets through Amazon ECS environment variables" (Amazon ECS Developer Guide):
 * a secret in the task's account and Region may be named; one in another account or
 * Region, or one read by JSON key, version stage or version ID, needs the full ARN, in
 * the form `arn:aws:secretsmanager:region:account:secret:name-AbCdEf:json-key:version-stage:version-id`.
 * An SSM parameter in the task's Region may be named; in another Region it needs its ARN.
 */
import { NEVER_IN_BOUNDARY } from '../core/iam';

/** A secret the container receives as an environment variable: exactly one of secretsManager or ssmParameter. */
export interface SecretReference {
  /** Secret name (same account and Region as the service) or full secret ARN, with its 6-character suffix. */
  readonly secretsManager?: string;
  /** Name (`/path/name`) or ARN of an SSM SecureString parameter. */
  readonly ssmParameter?: string;
  /** secretsManager only: the JSON key whose value is passed. @default the whole secret */
  readonly jsonKey?: string;
  /** secretsManager only, not with versionId. @default AWSCURRENT */
  readonly versionStage?: string;
  /** secretsManager only, not with versionStage. */
  readonly versionId?: string;
  /**
   * ARN of the customer managed KMS key that encrypts the secret or parameter; the
   * execution role may decrypt with it through Secrets Manager or SSM only.
   * @default the AWS managed key (aws/secretsmanager, aws/ssm), whose key policy already
   * lets the account's principals decrypt through the service: no kms grant is added
   */
  readonly kmsKeyArn?: string;
}

/** An extra statement of the task role (the application's own AWS calls). */
export interface TaskRoleStatementConfig {
  /** Alphanumeric, unique within the service. */
  readonly sid: string;
  /** Named actions (`dynamodb:GetItem`), no wildcards. */
  readonly actions: readonly string[];
  /** ARNs, or `["*"]` with anyResourceBecause. */
  readonly resources: readonly string[];
  /** Why `*` is the resource: the API that has no resource-level permissions. */
  readonly anyResourceBecause?: string;
}

/** The container health check: `false` for none, or the shell command. @default curl against containerPort and healthCheckPath */
export type ContainerHealthCheckConfig = false | { readonly command: string };

/** The value of the health check parameter: the shell command, or NO_HEALTH_CHECK. */
export type HealthCheckCommand = string;
export const NO_HEALTH_CHECK = 'none';

/** The default check: an HTTP request to the container's own port and health path. */
export function defaultHealthCheckCommand(containerPort: number, healthCheckPath: string): string {
  return `curl -f http://localhost:${containerPort}${healthCheckPath} || exit 1`;
}

/** What a service, and each of its environments, may set (the environment's names win). */
export interface AppSettingsConfig {
  /** Plain environment variables, written into the template: nothing secret. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Environment variables read from Secrets Manager or SSM when a task starts. @default {} */
  readonly secrets?: Readonly<Record<string, SecretReference>>;
}

export interface ResolvedAppSettings {
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, SecretReference>>;
}

// --- Shapes ------------------------------------------------------------------------------

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
/** Names that look like they hold a credential: such values go in `secrets`, never in plain text. */
export const SECRET_LOOKING_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL/i;
const PARTITION = '(aws|aws-cn|aws-us-gov)';
const REGION = '[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]';
/** A full secret ARN: the name, a hyphen and Secrets Manager's 6 random characters. */
export const SECRET_ARN = new RegExp(`^arn:${PARTITION}:secretsmanager:(${REGION}):([0-9]{12}):secret:([A-Za-z0-9/_+=.@-]+)-[A-Za-z0-9]{6}$`);
export const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
export const PARAMETER_ARN = new RegExp(`^arn:${PARTITION}:ssm:(${REGION}):([0-9]{12}):parameter/([A-Za-z0-9_./-]+)$`);
export const PARAMETER_NAME = /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
export const KMS_KEY_ARN = new RegExp(`^arn:${PARTITION}:kms:(${REGION}):([0-9]{12}):key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`);
const ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;
const RESOURCE_ARN = new RegExp(`^arn:${PARTITION}:[a-z0-9-]+:`);
/** The placeholders a task role resource may hold, resolved in each environment's stack (Fn::Sub). */
export const RESOURCE_PLACEHOLDERS = ['${AWS::Partition}', '${AWS::Region}', '${AWS::AccountId}'] as const;
/** A resource with its placeholders replaced by a sample value, to check its shape. */
export function samplePlaceholders(resource: string): string {
  return resource
    .replace('${AWS::Partition}', 'aws')
    .replace(/\$\{AWS::Region\}/g, 'eu-west-1')
    .replace(/\$\{AWS::AccountId\}/g, '111111111111');
}
const VERSION_STAGE = /^[A-Za-z0-9_+=.@-]{1,256}$/;
const VERSION_ID = /^[A-Za-z0-9-]{32,64}$/;
const JSON_KEY = /^[^:\s]{1,256}$/;

// --- Rules at load -----------------------------------------------------------------------

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v);

/** Problems of a service's `environment` and `secrets` (service-level or one environment's). */
function settingsProblems(where: string, own: Json, accountId: string | undefined, problems: string[]): void {
  const environment = isObject(own.environment) ? own.environment : {};
  const secrets = isObject(own.secrets) ? own.secrets : {};
  for (const [name, value] of Object.entries(environment)) {
    if (!ENV_NAME.test(name)) problems.push(`${where}.environment.${name}: the name must match ${ENV_NAME.source}`);
    else if (SECRET_LOOKING_NAME.test(name)) {
      problems.push(
        `${where}.environment.${name}: the name looks like a secret; plain variables are written into the template, so pass it through ${where}.secrets (a Secrets Manager secret or SSM SecureString parameter)`,
      );
    }
    if (name in secrets) problems.push(`${where}.environment.${name}: also named in ${where}.secrets; a variable is either plain or secret`);
    if (typeof value === 'string' && value.length > 4096) problems.push(`${where}.environment.${name}: the value has ${value.length} characters; at most 4096`);
  }
  for (const [name, ref] of Object.entries(secrets)) {
    if (!ENV_NAME.test(name)) problems.push(`${where}.secrets.${name}: the name must match ${ENV_NAME.source}`);
    if (isObject(ref)) secretProblems(`${where}.secrets.${name}`, ref, accountId, problems);
  }
}

/** One secret reference: its kind, its ARN or name, and the ValueFrom rules of ECS. */
export function secretProblems(where: string, ref: Json, accountId: string | undefined, problems: string[]): void {
  const sm = ref.secretsManager;
  const ssm = ref.ssmParameter;
  if ((sm === undefined) === (ssm === undefined)) {
    problems.push(`${where}: give exactly one of secretsManager (a secret name or ARN) or ssmParameter (a SecureString parameter name or ARN)`);
    return;
  }
  let account: string | undefined;
  if (typeof sm === 'string') {
    const arn = SECRET_ARN.exec(sm);
    if (!arn && sm.startsWith('arn:')) {
      problems.push(
        `${where}.secretsManager: ${show(sm)} is not a full secret ARN; write arn:aws:secretsmanager:region:account:secret:name-AbCdEf (with the 6-character suffix) or the secret name alone`,
      );
    } else if (!arn && !SECRET_NAME.test(sm)) {
      problems.push(
        `${where}.secretsManager: ${show(sm)} must be a secret name (letters, digits, /_+=.@-) or a full secret ARN arn:aws:secretsmanager:region:account:secret:name-AbCdEf`,
      );
    }
    account = arn?.[4];
    const versioned = ['jsonKey', 'versionStage', 'versionId'].filter((k) => ref[k] !== undefined);
    if (!arn && !sm.startsWith('arn:') && versioned.length) {
      problems.push(
        `${where}.secretsManager: ${show(sm)} must be the full secret ARN when ${versioned.join(', ')} is given (ECS reads arn:...:secret:name-AbCdEf:json-key:version-stage:version-id)`,
      );
    }
    if (ref.versionStage !== undefined && ref.versionId !== undefined) problems.push(`${where}.versionId: give versionStage or versionId, not both`);
    const formats: Array<[string, RegExp, string]> = [
      ['jsonKey', JSON_KEY, 'a JSON key without ":" or spaces'],
      ['versionStage', VERSION_STAGE, 'a version stage such as AWSCURRENT or AWSPREVIOUS'],
      ['versionId', VERSION_ID, 'a version ID (32 to 64 letters, digits and hyphens)'],
    ];
    for (const [k, re, what] of formats) {
      if (ref[k] !== undefined && !(typeof ref[k] === 'string' && re.test(ref[k] as string))) problems.push(`${where}.${k}: ${show(ref[k])} must be ${what}`);
    }
  } else if (typeof ssm === 'string') {
    const arn = PARAMETER_ARN.exec(ssm);
    if (!arn && (ssm.startsWith('arn:') || !PARAMETER_NAME.test(ssm) || ssm.length > 2048)) {
      problems.push(`${where}.ssmParameter: ${show(ssm)} must be a parameter name (/path/name) or ARN arn:aws:ssm:region:account:parameter/path/name`);
    }
    account = arn?.[4];
    for (const k of ['jsonKey', 'versionStage', 'versionId']) {
      if (ref[k] !== undefined) problems.push(`${where}.${k}: applies to secretsManager secrets only`);
    }
  }
  const key = ref.kmsKeyArn;
  if (typeof key === 'string' && !KMS_KEY_ARN.test(key)) {
    problems.push(
      key.includes('alias/')
        ? `${where}.kmsKeyArn: ${show(key)} is an alias; give the key ARN (arn:aws:kms:region:account:key/id): an IAM policy cannot grant kms:Decrypt by alias`
        : `${where}.kmsKeyArn: ${show(key)} must be a KMS key ARN arn:aws:kms:region:account:key/id`,
    );
  }
  if (account !== undefined && accountId !== undefined && account !== accountId && key === undefined) {
    problems.push(`${where}.kmsKeyArn: is required for a secret in another account (${account}): AWS managed keys cannot be used across accounts`);
  }
}

function statementProblems(where: string, statements: unknown, problems: string[]): void {
  if (!Array.isArray(statements)) return;
  const sids = new Set<string>();
  statements.forEach((st, i) => {
    if (!isObject(st)) return;
    const at = `${where}[${i}]`;
    if (typeof st.sid === 'string') {
      if (sids.has(st.sid)) problems.push(`${at}.sid: ${show(st.sid)} is already used; every sid must be different`);
      sids.add(st.sid);
    }
    const actions = Array.isArray(st.actions) ? st.actions : [];
    actions.forEach((a, j) => {
      if (typeof a !== 'string') return;
      if (!ACTION.test(a)) problems.push(`${at}.actions[${j}]: ${show(a)} must name one action, service:Action, without wildcards`);
      else if (NEVER_IN_BOUNDARY.test(a)) {
        problems.push(
          `${at}.actions[${j}]: ${show(a)} is outside the workload permissions boundary, which never allows IAM, Organizations, STS, account or CloudFormation actions`,
        );
      }
    });
    const resources = Array.isArray(st.resources) ? st.resources : [];
    const any = resources.includes('*');
    if (any && resources.length > 1) problems.push(`${at}.resources: "*" stands alone; it already covers the other resources`);
    if (any && st.anyResourceBecause === undefined)
      problems.push(`${at}.anyResourceBecause: is required with resources ["*"]: name the API that has no resource-level permissions`);
    if (!any && st.anyResourceBecause !== undefined) problems.push(`${at}.anyResourceBecause: applies to resources ["*"] only; name the resources instead`);
    resources.forEach((r, j) => {
      if (typeof r !== 'string' || r === '*') return;
      const sample = samplePlaceholders(r);
      if (sample.includes('${')) problems.push(`${at}.resources[${j}]: ${show(r)} may hold only the placeholders ${RESOURCE_PLACEHOLDERS.join(', ')}`);
      else if (!RESOURCE_ARN.test(sample)) problems.push(`${at}.resources[${j}]: ${show(r)} must be an ARN (arn:aws:service:...) or "*"`);
    });
  });
}

/** The longest health check command the template's parameter takes. */
export const MAX_HEALTH_CHECK_COMMAND = 1024;

function healthCheckProblems(where: string, s: Json, problems: string[]): void {
  const check = s.containerHealthCheck;
  const port = typeof s.containerPort === 'number' ? s.containerPort : 65535;
  if (check === undefined && typeof s.healthCheckPath === 'string') {
    const length = defaultHealthCheckCommand(port, s.healthCheckPath).length;
    if (length > MAX_HEALTH_CHECK_COMMAND) {
      problems.push(
        `${where}.healthCheckPath: the default container health check (curl -f http://localhost:PORT/PATH || exit 1) would have ${length} characters; at most ${MAX_HEALTH_CHECK_COMMAND}: shorten the path or set ${where}.containerHealthCheck`,
      );
    }
  }
  if (!isObject(check) || typeof check.command !== 'string') return;
  if (check.command.trim() === NO_HEALTH_CHECK) {
    problems.push(`${where}.containerHealthCheck.command: ${show(check.command)} is reserved; set containerHealthCheck to false for no check`);
  }
}

/**
 * Every problem of the services' application settings. `accounts` maps each environment
 * name to its account ID (when well formed), to tell a secret in another account.
 */
export function appSettingsProblems(services: ReadonlyArray<[number, Json]>, accounts: ReadonlyMap<string, string | undefined>): string[] {
  const problems: string[] = [];
  for (const [i, s] of services) {
    const where = `services[${i}]`;
    const accountList = [...new Set(accounts.values())];
    // Service-level secrets are read in every environment: checked against each account.
    const serviceAccount = accountList.length === 1 ? accountList[0] : undefined;
    settingsProblems(where, s, serviceAccount, problems);
    if (isObject(s.secrets) && accountList.length > 1) {
      for (const account of accountList) settingsProblems(where, { secrets: s.secrets }, account, problems);
    }
    statementProblems(`${where}.taskRoleStatements`, s.taskRoleStatements, problems);
    healthCheckProblems(where, s, problems);
    if (!isObject(s.environments)) continue;
    for (const [env, own] of Object.entries(s.environments)) {
      if (isObject(own)) settingsProblems(`${where}.environments.${env}`, own, accounts.get(env), problems);
    }
  }
  return [...new Set(problems)];
}

// --- Resolution --------------------------------------------------------------------------

interface RawService extends AppSettingsConfig {
  readonly environments?: Readonly<Record<string, AppSettingsConfig>>;
}

/**
 * The settings of one environment: the service's, with the environment's on top. A name
 * the environment sets wins whatever its kind: a plain variable of the service may become
 * a secret in one environment, and the other way round.
 */
export function resolveAppSettings(s: RawService, env: string): ResolvedAppSettings {
  const own = s.environments?.[env] ?? {};
  const ownEnvironment = isObject(own.environment) ? own.environment : {};
  const ownSecrets = isObject(own.secrets) ? own.secrets : {};
  const inherited = <T>(o: unknown) => Object.entries(isObject(o) ? (o as Record<string, T>) : {}).filter(([k]) => !(k in ownEnvironment) && !(k in ownSecrets));
  const sorted = <T>(entries: Array<[string, T]>) => Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    environment: sorted([...inherited<string>(s.environment), ...Object.entries(ownEnvironment)]),
    secrets: sorted([...inherited<SecretReference>(s.secrets), ...Object.entries(ownSecrets)]),
  };
}

export function resolveHealthCheck(check: ContainerHealthCheckConfig | undefined, containerPort: number, healthCheckPath: string): HealthCheckCommand {
  if (check === undefined) return defaultHealthCheckCommand(containerPort, healthCheckPath);
  return check === false ? NO_HEALTH_CHECK : check.command;
}

/**
 * Actions the configuration adds to the workload roles (task role statements, reading the
 * secrets), which the workload boundary must therefore allow.
 */
export function configuredWorkloadActions(
  services: ReadonlyArray<{
    readonly taskRoleStatements: readonly TaskRoleStatementConfig[];
    readonly environments: Readonly<Record<string, { readonly appSettings: ResolvedAppSettings }>>;
  }>,
): string[] {
  const actions = new Set<string>();
  for (const s of services) {
    for (const st of s.taskRoleStatements) st.actions.forEach((a) => actions.add(a));
    for (const env of Object.values(s.environments)) {
      for (const ref of Object.values(env.appSettings.secrets)) {
        actions.add(ref.secretsManager !== undefined ? 'secretsmanager:GetSecretValue' : 'ssm:GetParameters');
        if (ref.kmsKeyArn !== undefined) actions.add('kms:Decrypt');
      }
    }
  }
  return [...actions].sort();
}
