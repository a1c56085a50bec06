/**
 * service-canary.json: a CloudWatch Synthetics canary that calls one service's public
 * URL every few minutes, in one member account and environment, deployed as
 * `{project}-{service}-canary-{suffix}` after the service stack.
 *
 * The canary finds the service by the load balancer's name (`{service}-alb-{suffix}`,
 * naming.loadBalancerName) at run time, through the Elastic Load Balancing API, instead of
 * taking its DNS name from the service stack: a blue/green service stack may have no
 * Outputs, an Fn::ImportValue would pin the service stack's exports, and a replaced load
 * balancer (new DNS name, same name) is found on the next run without a deploy.
 *
 * It requests what users request: HTTPS on 443 when the environment has a certificate
 * (port 80 then only redirects), HTTP on 80 otherwise; at the environment's
 * `publicHostname` when one is configured (DNS, certificate and service checked end to
 * end), else at the load balancer's DNS name. The certificate cannot name that DNS name
 * (an `elb.amazonaws.com` name), so without a public host name the HTTPS probe verifies
 * the certificate chain but not the name.
 *
 * Run artifacts (HAR files, logs, reports) go to a bucket of this stack; a run that fails
 * lowers the canary's SuccessPercent, and the alarm fires after two failed runs in three.
 */
import { equals, ifCond, ref, sub } from '../core/intrinsics';
import { allow, anyResource } from '../core/iam';
import { CANARY_TYPE, canaryBucketName, canaryName, loadBalancerName, physicalName, standardName } from '../core/naming';
import { PATTERNS, SERVICE_NAME } from '../core/parameters';
import { ParameterHandle, ResourceHandle, StringParameter, Template, TemplateBuilder } from '../core/template';
import { bucketPolicy, privateBucket } from '../blocks/bucket';
import { HTTPS_PORT, HTTP_PORT } from '../blocks/https';
import { workloadRole } from '../blocks/role';
import { STANDARD_PARAMETER_IDS, standardParameterValues, standardParameters, standardTagValues } from '../blocks/standard-parameters';
import { CANARY_SCRIPT_FILE, functionSource } from '../functions';
import { ResolvedConfig } from '../config/types';
import type { ParameterFile } from '../core/parameter-file';
import { HEALTH_CHECK_PATH } from '../contracts/service';

export const SERVICE_CANARY_FILE = 'service-canary.json';

/** Logical IDs: a public contract (renaming one replaces the live resource). */
export const SERVICE_CANARY_IDS = {
  ...STANDARD_PARAMETER_IDS,
  serviceName: 'ServiceName',
  canaryName: 'CanaryName',
  checkPath: 'CheckPath',
  checkProtocol: 'CheckProtocol',
  publicHostname: 'PublicHostname',
  usesHttps: 'UsesHttps',
  artifactBucket: 'ArtifactBucket',
  artifactBucketPolicy: 'ArtifactBucketPolicy',
  canaryRole: 'CanaryRole',
  canary: 'Canary',
  alarm: 'CanaryAlarm',
} as const;

const ID = SERVICE_CANARY_IDS;

/**
 * The most recent Node.js Puppeteer runtime the CloudWatch documentation lists (Node.js
 * 22, Puppeteer-core 24.37): the script uses the `@aws/synthetics-*` modules, which need
 * syn-nodejs-puppeteer-13.1 or later. Runtimes are deprecated with their Node.js version;
 * cfn-lint 1.51 does not check RuntimeVersion (any string passes its schema).
 */
export const CANARY_RUNTIME = 'syn-nodejs-puppeteer-15.0';
export const CANARY_HANDLER = 'index.handler';
export const CANARY_RATE_MINUTES = 5;
/** A run that has not finished after this long fails; well inside the schedule. */
export const CANARY_TIMEOUT_SECONDS = 60;
/** The smallest memory CloudWatch Synthetics accepts; an HTTP step starts no browser. */
export const CANARY_MEMORY_MB = 960;
/** Days the canary keeps run records; the bucket expires artifacts after the longer one. */
export const SUCCESS_RETENTION_DAYS = 7;
export const FAILURE_RETENTION_DAYS = 30;
export const ARTIFACT_EXPIRY_DAYS = FAILURE_RETENTION_DAYS;
/** Where in the bucket the canary writes. */
export const ARTIFACT_PREFIX = 'runs';

export const CANARY_NAME_PARAMETER: StringParameter = {
  Type: 'String',
  Description: 'Name of the canary, {service}-{suffix} with the service shortened to fit 21 characters (generated into the parameter file)',
  AllowedPattern: '^[0-9a-z][0-9a-z_-]{0,20}$',
  MinLength: 1,
  MaxLength: 21,
  ConstraintDescription: 'lower-case letters, digits, - and _, at most 21 characters',
};

const CHECK_PROTOCOL: StringParameter = {
  Type: 'String',
  Description: 'https when the production listener has a certificate (port 80 only redirects), http otherwise',
  Default: 'http',
  AllowedValues: ['http', 'https'],
};

const PUBLIC_HOSTNAME: StringParameter = {
  Type: 'String',
  Description: 'Host name users reach the service by; empty: the load balancer DNS name (HTTPS then verifies the certificate chain, not its name)',
  Default: '',
  AllowedPattern: `^$|${PATTERNS.hostname}`,
  MaxLength: 253,
  ConstraintDescription: 'empty, or a lower-case DNS name such as shop.example.com',
};

export function buildServiceCanaryTemplate(): Template {
  const t = new TemplateBuilder(
    "CloudWatch Synthetics canary for one service in one member account: calls the service's load balancer every few minutes, keeps run artifacts in an encrypted bucket, and raises an alarm when runs fail. Deployed after the service stack.",
  );
  const { project, suffix } = standardParameters(t);
  const service = t.parameter(ID.serviceName, SERVICE_NAME);
  const name = t.parameter(ID.canaryName, CANARY_NAME_PARAMETER);
  const checkPath = t.parameter(ID.checkPath, {
    ...HEALTH_CHECK_PATH,
    Description: 'Path the canary requests on the production listener; a healthy answer is 2xx',
  });
  const protocol = t.parameter(ID.checkProtocol, CHECK_PROTOCOL);
  const publicHostname = t.parameter(ID.publicHostname, PUBLIC_HOSTNAME);
  const usesHttps = t.condition(ID.usesHttps, equals(ref(protocol), 'https'));
  const scope = { project, service, suffix };
  // The parameter's MaxLength proves the fit; the name is the parameter itself.
  physicalName('synthetics-canary', [name]);

  const bucket = privateBucket(t, ID.artifactBucket, {
    bucketName: canaryBucketName(project, service, suffix),
    lifecycleRules: [
      { Id: 'expire-canary-artifacts', Status: 'Enabled', ExpirationInDays: ARTIFACT_EXPIRY_DAYS },
      { Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ],
  });
  bucketPolicy(t, ID.artifactBucketPolicy, bucket);

  const role = canaryRole(t, { project, suffix }, name, bucket);

  const canary = t.resource(ID.canary, 'AWS::Synthetics::Canary', {
    Name: ref(name),
    RuntimeVersion: CANARY_RUNTIME,
    Code: { Handler: CANARY_HANDLER, Script: functionSource(CANARY_SCRIPT_FILE) },
    ExecutionRoleArn: role.getAtt('Arn'),
    ArtifactS3Location: sub(`s3://\${${bucket.logicalId}}/${ARTIFACT_PREFIX}`),
    Schedule: { Expression: `rate(${CANARY_RATE_MINUTES} minutes)` },
    RunConfig: {
      TimeoutInSeconds: CANARY_TIMEOUT_SECONDS,
      MemoryInMB: CANARY_MEMORY_MB,
      EnvironmentVariables: {
        LOAD_BALANCER_NAME: loadBalancerName(service, suffix),
        PROTOCOL: ref(protocol),
        PORT: ifCond(usesHttps, String(HTTPS_PORT), String(HTTP_PORT)),
        PUBLIC_HOSTNAME: ref(publicHostname),
        CHECK_PATH: ref(checkPath),
      },
    },
    SuccessRetentionPeriod: SUCCESS_RETENTION_DAYS,
    FailureRetentionPeriod: FAILURE_RETENTION_DAYS,
    StartCanaryAfterCreation: true,
    // Deleting the canary deletes the Lambda function and layer Synthetics made for it.
    ProvisionedResourceCleanup: 'AUTOMATIC',
  });

  // One run per period; two failed runs in three periods raise the alarm. No data (the
  // canary stopped) keeps the alarm where it is.
  t.resource(ID.alarm, 'AWS::CloudWatch::Alarm', {
    AlarmName: standardName('cloudwatch-alarm', CANARY_TYPE, scope),
    AlarmDescription: 'Canary runs against the service load balancer fail',
    Namespace: 'CloudWatchSynthetics',
    MetricName: 'SuccessPercent',
    Dimensions: [{ Name: 'CanaryName', Value: canary.ref() }],
    Statistic: 'Average',
    Period: CANARY_RATE_MINUTES * 60,
    EvaluationPeriods: 3,
    DatapointsToAlarm: 2,
    Threshold: 100,
    ComparisonOperator: 'LessThanThreshold',
    TreatMissingData: 'missing',
  });

  t.output('CanaryName', { description: 'Name of the canary', value: canary.ref() });
  t.output('ArtifactBucketName', { description: 'Bucket of the canary run artifacts (empty it before deleting the stack)', value: bucket.ref() });
  return t.build();
}

/**
 * The canary's role: what CloudWatch Synthetics documents for a canary outside a VPC
 * without a KMS key ("Required roles and permissions for canaries"), narrowed to this
 * canary, plus the one call of the script.
 */
function canaryRole(
  t: TemplateBuilder,
  scope: { project: ParameterHandle<string>; suffix: ParameterHandle<string> },
  name: ParameterHandle<string>,
  bucket: ResourceHandle,
): ResourceHandle {
  const canaryName$ = `\${${name.logicalId}}`;
  return workloadRole(t, ID.canaryRole, scope, {
    description: 'CloudWatch Synthetics canary: writes its run artifacts, logs and metrics, finds the service load balancer',
    service: 'lambda.amazonaws.com',
    policyName: 'canary',
    statements: [
      allow('WriteArtifacts', ['s3:PutObject'], [sub(`\${${bucket.logicalId}.Arn}/${ARTIFACT_PREFIX}/*`)]),
      allow('LocateArtifactBucket', ['s3:GetBucketLocation'], [bucket.getAtt('Arn')]),
      allow('ListBuckets', ['s3:ListAllMyBuckets'], anyResource(
        's3:ListAllMyBuckets has no resource-level permissions; the Synthetics runtime lists buckets before it uploads artifacts',
      )),
      allow(
        'WriteLogs',
        ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        [sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/cwsyn-${canaryName$}-*`)],
      ),
      allow('PublishCanaryMetrics', ['cloudwatch:PutMetricData'], anyResource('cloudwatch:PutMetricData has no resource-level permissions'), {
        condition: { StringEquals: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } },
      }),
      allow('FindLoadBalancer', ['elasticloadbalancing:DescribeLoadBalancers'], anyResource(
        'elasticloadbalancing:DescribeLoadBalancers has no resource-level permissions',
      )),
    ],
  });

}

/**
 * One parameter file per service and environment. The canary name is computed here, and
 * two services of one environment may not end up with the same name.
 */
export function serviceCanaryParameterFiles(config: ResolvedConfig): ParameterFile[] {
  const files: ParameterFile[] = [];
  const folder = `parameters/${SERVICE_CANARY_FILE.replace(/\.json$/, '')}`;
  for (const env of config.environments) {
    const taken = new Map<string, string>();
    const standard = standardParameterValues(config, env);
    const tags = standardTagValues(config, env);
    for (const svc of config.services) {
      const name = canaryName(svc.name, env.environmentSuffix);
      const other = taken.get(name);
      if (other) {
        throw new Error(`services ${other} and ${svc.name} would both name their canary ${name} in environment ${env.name}; rename one`);
      }
      taken.set(name, svc.name);
      const settings = svc.environments[env.name];
      // Members assigned one by one, in the file's order: no intermediate objects per file.
      const parameters: Record<string, string> = {};
      for (const key in standard) parameters[key] = standard[key];
      parameters[ID.serviceName] = svc.name;
      parameters[ID.canaryName] = name;
      parameters[ID.checkPath] = svc.healthCheckPath;
      if (settings.certificateArn) parameters[ID.checkProtocol] = 'https';
      if (settings.publicHostname) parameters[ID.publicHostname] = settings.publicHostname;
      files.push({ path: `${folder}/${svc.name}/${env.name}.json`, parameters, tags: { ...tags } });
    }
  }
  return files;
}
