/**
 * Every invalid configuration is refused through the real entry point: one line per
 * problem naming the path, the value and what is allowed; exit status 1; and the output
 * directory exactly as it was (or still absent).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../generator/config/load';
import { generate, main } from '../scripts/generate';
import { MARKER, MARKER_CONTENT } from '../scripts/lib/write-tree';
import { RawConfig, capture, exampleRaw, removeTempDirs, snapshot, tempDir } from './helpers/config';

type Input = { readonly edit: (c: RawConfig) => void } | { readonly text: string } | { readonly bytes: Buffer } | { readonly file: 'missing' | 'directory' };

interface Case {
  readonly name: string;
  readonly input: Input;
  readonly problems: readonly string[];
}

const edit = (f: (c: RawConfig) => void): Input => ({ edit: f });

const CASES: readonly Case[] = [
  // The file itself
  {
    name: 'malformed JSON',
    input: { text: '{\n  "project": { "name": "shop", },\n}\n' },
    problems: ['(root): not valid JSON: Expected double-quoted property name at line 2, column 32'],
  },
  { name: 'truncated JSON', input: { text: '{"project": ' }, problems: ['(root): not valid JSON: Unexpected end of JSON input'] },
  { name: 'an empty file', input: { text: '' }, problems: ['(root): the file is empty; expected a JSON object'] },
  { name: 'a file of blanks', input: { text: '  \n\t\n' }, problems: ['(root): the file is empty; expected a JSON object'] },
  { name: 'a directory in place of a file', input: { file: 'directory' }, problems: ['(root): is a directory; expected a regular file'] },
  { name: 'a missing file', input: { file: 'missing' }, problems: ['(root): cannot read the file: no such file'] },
  {
    name: 'a key given twice',
    input: { text: JSON.stringify(exampleRaw()).replace('"containerPort":3000', '"containerPort":3000,"containerPort":3001').replace('"project":{', '"project":{"name":"x",') },
    problems: [
      'project.name: the key appears twice in one object; only the last would count',
      'services[1].containerPort: the key appears twice in one object; only the last would count',
    ],
  },
  { name: 'an array at the top', input: { text: '[1, 2]' }, problems: ['(root): [1,2] must be an object'] },
  // Shape and types
  { name: 'a missing section', input: edit((c) => delete c.project), problems: ['project: is required'] },
  { name: 'a missing field in a list item', input: edit((c) => delete c.services[1].containerPort), problems: ['services[1].containerPort: is required'] },
  { name: 'a number where a string belongs', input: edit((c) => (c.project.name = 42)), problems: ['project.name: 42 must be a string'] },
  { name: 'a string where an integer belongs', input: edit((c) => (c.services[0].containerPort = '8080')), problems: ['services[0].containerPort: "8080" must be an integer'] },
  { name: 'a fraction where an integer belongs', input: edit((c) => (c.services[0].desiredCount = 1.5)), problems: ['services[0].desiredCount: 1.5 must be an integer'] },
  {
    name: 'a string where a boolean belongs',
    input: edit((c) => (c.environments[1].requiresApproval = 'yes')),
    problems: ['environments[1].requiresApproval: "yes" must be true or false'],
  },
  { name: 'an object where a list belongs', input: edit((c) => (c.services = { web: {} })), problems: ['services: {"web":{}} must be an array'] },
  { name: 'no services', input: edit((c) => (c.services = [])), problems: ['services: has 0 items; must have at least 1'] },
  {
    name: 'too many file path filters',
    input: edit((c) => (c.source.filePaths = Array.from({ length: 9 }, (_, i) => `dir${i}/**`))),
    problems: ['source.filePaths: has 9 items; must have at most 8'],
  },
  {
    name: 'an unknown top-level key',
    input: edit((c) => (c.region = 'eu-west-1')),
    problems: ['region: unknown key; allowed here: project, tools, environments, source, notifications, build, services'],
  },
  {
    name: 'an unknown key in a service',
    input: edit((c) => (c.services[1].port = 80)),
    problems: [
      'services[1].port: unknown key; allowed here: name, containerPort, healthCheckPath, cpu, memoryMiB, desiredCount, scanCriticalThreshold, scanAllowUnsupportedImage, scanTimeoutMinutes, cpuArchitecture, multiArchitectureImage, readOnlyRootFilesystem, dropLinuxCapabilities, environment, secrets, taskRoleStatements, containerHealthCheck, environments',
    ],
  },
  // Values
  {
    name: 'a service name with capitals and an underscore',
    input: edit((c) => (c.services[0].name = 'Web_App')),
    problems: ['services[0].name: "Web_App" must match ^[a-z][a-z0-9-]{0,15}$'],
  },
  { name: 'a tools account ID of 11 digits', input: edit((c) => (c.tools.accountId = '11111111111')), problems: ['tools.accountId: "11111111111" must match ^[0-9]{12}$'] },
  {
    name: 'an account ID given as a number',
    input: edit((c) => (c.environments[0].accountId = 222222222222)),
    problems: ['environments[0].accountId: 222222222222 must be a string'],
  },
  {
    name: 'an account ID with letters',
    input: edit((c) => (c.environments[2].accountId = '44444444444x')),
    problems: ['environments[2].accountId: "44444444444x" must match ^[0-9]{12}$'],
  },
  { name: 'a port out of range', input: edit((c) => (c.services[0].containerPort = 70000)), problems: ['services[0].containerPort: 70000 must be at most 65535'] },
  {
    name: 'a desired count of zero',
    input: edit((c) => (c.services[0].environments.dev.desiredCount = 0)),
    problems: ['services[0].environments.dev.desiredCount: 0 must be at least 1'],
  },
  {
    name: 'an unknown traffic routing',
    input: edit((c) => (c.services[0].environments.prod.trafficRouting = 'Linear10Percent')),
    problems: ['services[0].environments.prod.trafficRouting: "Linear10Percent" must be one of "AllAtOnce", "TimeBasedCanary", "TimeBasedLinear"'],
  },
  {
    name: 'an unknown CPU architecture',
    input: edit((c) => (c.services[0].cpuArchitecture = 'AMD64')),
    problems: ['services[0].cpuArchitecture: "AMD64" must be one of "X86_64", "ARM64"'],
  },
  {
    name: 'a CPU architecture in lower case',
    input: edit((c) => (c.services[1].cpuArchitecture = 'arm64')),
    problems: ['services[1].cpuArchitecture: "arm64" must be one of "X86_64", "ARM64"'],
  },
  {
    name: 'image platforms in place of the multi-architecture switch',
    input: edit((c) => (c.services[1].multiArchitectureImage = 'linux/amd64,linux/arm64')),
    problems: ['services[1].multiArchitectureImage: "linux/amd64,linux/arm64" must be true or false'],
  },
  {
    name: 'an email address without a domain',
    input: edit((c) => (c.notifications.alertEmail = 'platform-alerts')),
    problems: ['notifications.alertEmail: "platform-alerts" must match ^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'],
  },
  {
    name: 'a suffix longer than 10 characters',
    input: edit((c) => (c.environments[2].environmentSuffix = 'production1')),
    problems: ['environments[2].environmentSuffix: "production1" must match ^[a-z][a-z0-9]{1,9}$'],
  },
  {
    name: 'a public VPC CIDR block',
    input: edit((c) => (c.environments[0].vpcCidr = '172.99.0.0/16')),
    problems: ['environments[0].vpcCidr: "172.99.0.0/16" must be a private /16 block: 10.0-255.0.0/16, 172.16-31.0.0/16 or 192.168.0.0/16'],
  },
  // Fargate sizes
  { name: 'a CPU Fargate does not offer', input: edit((c) => (c.services[0].cpu = 300)), problems: ['services[0].cpu: 300 must be one of 256, 512, 1024, 2048, 4096'] },
  {
    name: 'memory too large for the CPU',
    input: edit((c) => Object.assign(c.services[0], { cpu: 256, memoryMiB: 4096 })),
    problems: ['services[0].memoryMiB: 4096 is not a Fargate size for cpu 256; with cpu 256 Fargate allows 512, 1024 or 2048'],
  },
  {
    name: 'memory between the Fargate steps',
    input: edit((c) => Object.assign(c.services[0], { cpu: 4096, memoryMiB: 9000 })),
    problems: ['services[0].memoryMiB: 9000 is not a Fargate size for cpu 4096; with cpu 4096 Fargate allows 8192 to 30720 in steps of 1024'],
  },
  {
    name: 'memory that does not suit the default CPU',
    input: edit((c) => (c.services[1].memoryMiB = 3072)),
    problems: ['services[1].memoryMiB: 3072 is not a Fargate size for the default cpu 256; with cpu 256 Fargate allows 512, 1024 or 2048'],
  },
  { name: 'memory below the smallest size', input: edit((c) => (c.services[1].memoryMiB = 256)), problems: ['services[1].memoryMiB: 256 must be at least 512'] },
  // Rules across fields
  {
    name: 'two services with one name',
    input: edit((c) => (c.services[1].name = 'web')),
    problems: ['services[1].name: "web" is already the name of services[0]; service names must be unique'],
  },
  {
    name: 'two environments with one name',
    input: edit((c) => (c.environments[2].name = 'staging')),
    problems: [
      'environments[2].name: "staging" is already the name of environments[1]; environment names must be unique',
      'services[0].environments.prod: no such environment; environments are dev, staging',
      'services[1].environments.prod: no such environment; environments are dev, staging',
    ],
  },
  {
    name: 'one account for staging and production',
    input: edit((c) => (c.environments[2].accountId = '333333333333')),
    problems: ['environments[2].accountId: "333333333333" is already environments[1].accountId; every environment needs an account of its own'],
  },
  {
    name: 'the tools account as an environment',
    input: edit((c) => (c.environments[0].accountId = '111111111111')),
    problems: ['environments[0].accountId: "111111111111" is already tools.accountId; the tools account cannot also be an environment'],
  },
  {
    name: 'two environments with one suffix',
    input: edit((c) => (c.environments[1].environmentSuffix = 'dev')),
    problems: ['environments[1].environmentSuffix: environment suffix "dev" is already used by environments[0].name; every suffix must be different'],
  },
  {
    name: 'an environment suffix equal to the tools suffix',
    input: edit((c) => (c.environments[0].environmentSuffix = 'tools')),
    problems: ['environments[0].environmentSuffix: environment suffix "tools" is already used by tools.environmentSuffix; every suffix must be different'],
  },
  {
    name: 'two services whose canary names collide',
    input: edit((c) => c.services.push({ name: 'checkout-service', containerPort: 80 }, { name: 'checkout-servic2', containerPort: 80 })),
    problems: [
      'services[3].name: "checkout-servic2" gives the Synthetics canary name "checkout-serv-staging" in staging, as services[2].name "checkout-service" does; the names must differ',
    ],
  },
  {
    name: 'settings for an environment that does not exist',
    input: edit((c) => (c.services[1].environments.qa = { desiredCount: 1 })),
    problems: ['services[1].environments.qa: no such environment; environments are dev, staging, prod'],
  },
  {
    name: 'an environment key that cannot be an environment name',
    input: edit((c) => (c.services[1].environments.Prod = {})),
    problems: ['services[1].environments.Prod: key "Prod" must match ^[a-z][a-z0-9]{1,9}$'],
  },
  {
    name: 'traffic routing on a rolling deployment',
    input: edit((c) => (c.services[1].environments.dev.trafficRouting = 'AllAtOnce')),
    problems: ['services[1].environments.dev.trafficRouting: "AllAtOnce" applies to blue-green deployments only; deploymentStrategy is "rolling"'],
  },
  {
    name: 'a hardening switch that is not a boolean',
    input: edit((c) => (c.services[0].readOnlyRootFilesystem = 'no')),
    problems: ['services[0].readOnlyRootFilesystem: "no" must be true or false'],
  },
  // HTTPS: an ACM certificate ARN of the environment's own account
  {
    name: 'a certificate ARN of another service',
    input: edit((c) => (c.services[0].environments.prod.certificateArn = 'arn:aws:iam::444444444444:server-certificate/web')),
    problems: [
      'services[0].environments.prod.certificateArn: "arn:aws:iam::444444444444:server-certificate/web" must match ^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
    ],
  },
  {
    name: 'a certificate of another account',
    input: edit((c) => (c.services[0].environments.staging = { certificateArn: 'arn:aws:acm:eu-west-1:444444444444:certificate/3f1c2b7a-9d4e-4a5b-8c6d-7e8f9a0b1c2d' })),
    problems: [
      "services[0].environments.staging.certificateArn: the certificate is in account 444444444444; the load balancer is in staging's account 333333333333, and ACM certificates work only in their own account",
    ],
  },
  // ECS-native blue/green: only with ecs-blue-green, and only what ECS and CloudFormation accept
  {
    name: 'native traffic settings on the hook',
    input: edit((c) => (c.services[0].environments.prod.bakeTimeMinutes = 30)),
    problems: ['services[0].environments.prod.bakeTimeMinutes: applies to deploymentStrategy "ecs-blue-green" only; deploymentStrategy is "blue-green"'],
  },
  {
    name: 'native traffic settings on a rolling deployment',
    input: edit((c) => (c.services[1].environments.dev.trafficStepPercent = 10)),
    problems: ['services[1].environments.dev.trafficStepPercent: applies to deploymentStrategy "ecs-blue-green" only; deploymentStrategy is "rolling"'],
  },
  {
    name: 'a step percent that is not a multiple of 0.1',
    input: edit((c) => (c.services[1].environments.prod.trafficStepPercent = 2.55)),
    problems: ['services[1].environments.prod.trafficStepPercent: 2.55 must be a multiple of 0.1 (ECS takes percents in tenths)'],
  },
  {
    name: 'a linear step below 3 percent',
    input: edit((c) => (c.services[1].environments.staging.trafficStepPercent = 2)),
    problems: ['services[1].environments.staging.trafficStepPercent: 2 is below 3, the smallest linear step ECS takes (LinearConfiguration.StepPercent: 3 to 100)'],
  },
  {
    name: 'a step percent below 0.1',
    input: edit((c) => (c.services[1].environments.prod.trafficStepPercent = 0)),
    problems: ['services[1].environments.prod.trafficStepPercent: 0 must be at least 0.1'],
  },
  {
    name: 'a bake time over 24 hours',
    input: edit((c) => (c.services[1].environments.prod.bakeTimeMinutes = 1441)),
    problems: ['services[1].environments.prod.bakeTimeMinutes: 1441 must be at most 1440'],
  },
  {
    name: 'linear baking over 33 hours',
    input: edit((c) => (c.services[1].environments.staging.trafficStepBakeTimeMinutes = 700)),
    problems: [
      'services[1].environments.staging.trafficStepBakeTimeMinutes: bakeTimeMinutes 10 + trafficStepBakeTimeMinutes 700 x 3 steps = 2110 minutes of baking exceeds 1980 (33 hours), which CloudFormation rejects for ECS deployments',
    ],
  },
  {
    name: 'canary baking over 33 hours',
    input: edit((c) => Object.assign(c.services[1].environments.prod, { bakeTimeMinutes: 1440, trafficStepBakeTimeMinutes: 541 })),
    problems: [
      'services[1].environments.prod.trafficStepBakeTimeMinutes: bakeTimeMinutes 1440 + trafficStepBakeTimeMinutes 541 = 1981 minutes of baking exceeds 1980 (33 hours), which CloudFormation rejects for ECS deployments',
    ],
  },
  {
    name: 'an unknown deployment strategy',
    input: edit((c) => (c.services[1].environments.dev.deploymentStrategy = 'native')),
    problems: ['services[1].environments.dev.deploymentStrategy: "native" must be one of "blue-green", "ecs-blue-green", "rolling"'],
  },
  {
    name: 'a connection source without its connection',
    input: edit((c) => delete c.source.connectionArn),
    problems: ['source.connectionArn: is required when source.provider is "CodeStarSourceConnection"'],
  },
  {
    name: 'a CodeCommit source with a connection and an owner',
    input: edit((c) => (c.source.provider = 'CodeCommit')),
    problems: [
      'source.connectionArn: must be left out when source.provider is "CodeCommit"',
      'source.repository: "example-org/shop" must be a CodeCommit repository name (no "/") when source.provider is "CodeCommit"',
      'source.templatesRepository: "example-org/shop-delivery-templates" must be a CodeCommit repository name (no "/") when source.provider is "CodeCommit"',
    ],
  },
  {
    name: 'a connection ARN of another service',
    input: edit((c) => (c.source.connectionArn = 'arn:aws:iam::111111111111:role/x')),
    problems: [
      'source.connectionArn: "arn:aws:iam::111111111111:role/x" must match ^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:[0-9]{12}:connection/[a-f0-9-]{36}$',
    ],
  },
  // Hostile files: encodings, sizes, nesting, numbers beyond what JSON.parse keeps
  {
    name: 'UTF-16 with a byte order mark',
    input: { bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"project": {}}', 'utf16le')]) },
    problems: ['(root): is UTF-16 (little-endian, with a byte order mark); save it as UTF-8'],
  },
  {
    name: 'UTF-16 without a byte order mark',
    input: { bytes: Buffer.from('{"project": {}}', 'utf16le') },
    problems: ['(root): is UTF-16 (little-endian, without a byte order mark); save it as UTF-8'],
  },
  { name: 'a NUL byte in the text', input: { bytes: Buffer.from('{"project":\u0000{}}') }, problems: ['(root): holds a NUL byte at offset 11; expected UTF-8 text'] },
  { name: 'bytes that are not UTF-8', input: { bytes: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) }, problems: ['(root): is not valid UTF-8; save it as UTF-8'] },
  {
    name: 'a file over the size limit',
    input: { text: `{"project": {}, "x": "${'a'.repeat(4 * 1024 * 1024)}"}` },
    problems: ['(root): is 4194328 bytes; the limit is 4194304 bytes (4 MiB)'],
  },
  {
    name: 'JSON nested 100,000 levels deep',
    input: { text: `{"project": ${'['.repeat(100000)}${']'.repeat(100000)}}` },
    problems: ['(root): nested more than 32 levels deep (at line 1, column 44); a configuration nests at most a few levels'],
  },
  {
    name: 'a number beyond the largest double',
    input: { text: JSON.stringify(exampleRaw()).replace('"containerPort":8080', '"containerPort":1e309') },
    problems: ['services[0].containerPort: 1e309 must be an integer'],
  },
  {
    name: 'an integer beyond the exact range',
    input: { text: JSON.stringify(exampleRaw()).replace('"containerPort":8080', '"containerPort":9007199254740993') },
    problems: ['services[0].containerPort: 9007199254740993 must be at most 65535'],
  },
  // Values AWS or git would refuse later, or whose meaning would change silently
  {
    name: 'a project name S3 refuses as a bucket prefix (sthree-)',
    input: edit((c) => (c.project.name = 'sthree-shop')),
    problems: ['project.name: "sthree-shop" starts every S3 bucket name, and S3 bucket names may not start with "sthree-" (nor "xn--" or "amzn-s3-demo-")'],
  },
  {
    name: 'a project name S3 refuses as a bucket prefix (xn--)',
    input: edit((c) => (c.project.name = 'xn--shop')),
    problems: ['project.name: "xn--shop" starts every S3 bucket name, and S3 bucket names may not start with "xn--" (nor "sthree-" or "amzn-s3-demo-")'],
  },
  {
    name: 'an e-mail address with a display name',
    input: edit((c) => (c.notifications.alertEmail = 'Ops<ops@example.com>')),
    problems: [
      'notifications.alertEmail: "Ops<ops@example.com>" is not an e-mail address SNS can send to: it must be a bare address (no display name, quotes, angle brackets or spaces)',
    ],
  },
  {
    name: 'an e-mail address with a NUL',
    input: edit((c) => (c.notifications.approvalEmail = 'ops\u0000@example.com')),
    problems: ['notifications.approvalEmail: "ops\\u0000@example.com" is not an e-mail address SNS can send to: it may not hold control characters'],
  },
  {
    name: 'an e-mail domain without a top-level label',
    input: edit((c) => (c.notifications.alertEmail = 'ops@example.c0m')),
    problems: [
      'notifications.alertEmail: "ops@example.c0m" is not an e-mail address SNS can send to: it must have a domain of dot-separated labels (letters, digits, inner hyphens) ending in a top-level domain of letters',
    ],
  },
  { name: 'a branch with ".."', input: edit((c) => (c.source.branch = 'a..b')), problems: ['source.branch: "a..b" is not a git branch name: it may not hold ".."'] },
  {
    name: 'a branch ending in .lock',
    input: edit((c) => (c.source.templatesBranch = 'main.lock')),
    problems: ['source.templatesBranch: "main.lock" is not a git branch name: it may not have a part that ends with ".lock" ("main.lock")'],
  },
  { name: 'a branch starting with "-"', input: edit((c) => (c.source.branch = '-main')), problems: ['source.branch: "-main" is not a git branch name: it may not start with "-"'] },
  {
    name: 'a repository of ".." parts',
    input: edit((c) => (c.source.repository = '../..')),
    problems: ['source.repository: "../.." may not have ".." as a part; give "owner/name" or a repository name'],
  },
  {
    name: 'a file path glob with a comma',
    input: edit((c) => (c.source.filePaths = ['src/{a,b}/**'])),
    problems: [
      'source.filePaths[0]: "src/{a,b}/**" holds a comma; the pipeline receives the globs as one comma-separated list, so it would become two globs: give one glob per item (for {a,b}, one item for each alternative)',
    ],
  },
  {
    name: 'a build image in another region than the pipeline',
    input: edit((c) => (c.build = { buildImage: '111111111111.dkr.ecr.us-east-1.amazonaws.com/build:1' })),
    problems: [
      'build.buildImage: "111111111111.dkr.ecr.us-east-1.amazonaws.com/build:1" is in us-east-1, but the pipeline runs in eu-west-1 (the region of source.connectionArn) and pulls its build image from there: push the image to the pipeline\'s region',
    ],
  },
  {
    name: 'a build image repository ECR refuses',
    input: edit((c) => (c.build = { buildImage: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/build..x:1' })),
    problems: [
      'build.buildImage: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/build..x:1": the repository name "build..x" must be words of a-z and 0-9 joined by single ".", "_" or "-", separated by "/" (ECR\'s rule)',
    ],
  },
  {
    name: 'a build image tag ECR refuses',
    input: edit((c) => (c.build = { buildImage: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/build:-1' })),
    problems: [
      'build.buildImage: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/build:-1": the tag "-1" must start with a letter, digit or "_" and have at most 128 characters (ECR\'s rule)',
    ],
  },
  {
    name: 'a VPC CIDR block with a leading zero',
    input: edit((c) => (c.environments[0].vpcCidr = '10.010.0.0/16')),
    problems: ['environments[0].vpcCidr: "10.010.0.0/16" must write each number without a leading zero (the network template\'s VpcCidr pattern refuses it)'],
  },
  // Several at once: every problem, in one report
  {
    name: 'several problems at once',
    input: edit((c) => {
      c.tools.accountId = '1234';
      c.services[1].name = 'web';
      c.services[0].cpu = 1024;
      c.notifications.pager = 'x';
    }),
    problems: [
      'tools.accountId: "1234" must match ^[0-9]{12}$',
      'notifications.pager: unknown key; allowed here: approvalEmail, alertEmail',
      'services[1].name: "web" is already the name of services[0]; service names must be unique',
      'services[0].memoryMiB: 1024 is not a Fargate size for cpu 1024; with cpu 1024 Fargate allows 2048 to 8192 in steps of 1024',
    ],
  },
];

/** Writes the case's configuration into `dir` and returns the path to pass as --config. */
function configFile(dir: string, input: Input): string {
  const file = path.join(dir, 'config.json');
  if ('file' in input) {
    if (input.file === 'directory') fs.mkdirSync(file);
    return file;
  }
  if ('text' in input) {
    fs.writeFileSync(file, input.text);
    return file;
  }
  if ('bytes' in input) {
    fs.writeFileSync(file, input.bytes);
    return file;
  }
  const config = exampleRaw();
  input.edit(config);
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

/** An output directory from an earlier run: files at two levels. */
function previousOutput(dir: string): string {
  const out = path.join(dir, 'templates');
  fs.mkdirSync(path.join(out, 'parameters', 'member-roles'), { recursive: true });
  fs.writeFileSync(path.join(out, 'member-roles.json'), '{"previous": true}\n');
  fs.writeFileSync(path.join(out, MARKER), MARKER_CONTENT);
  fs.writeFileSync(path.join(out, 'parameters', 'member-roles', 'dev.json'), '{"Parameters": {}}\n');
  return out;
}

afterAll(removeTempDirs);

describe('an invalid configuration is refused and nothing is written', () => {
  test('the table has at least 30 distinct cases', () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  test('the example configuration itself is accepted', () => {
    const dir = tempDir('config-ok');
    const io = capture();
    expect(
      main(
        [
          '--config',
          configFile(
            dir,
            edit(() => undefined),
          ),
          '--out',
          path.join(dir, 'out'),
        ],
        io,
      ),
    ).toBe(0);
    expect(io.err).toBe('');
  });

  test.each(CASES.map((c, i) => [c.name, c, i % 2 === 0] as const))('%s', (_name, c, outExists) => {
    const dir = tempDir('config-bad');
    const file = configFile(dir, c.input);
    const out = outExists ? previousOutput(dir) : path.join(dir, 'not-yet', 'templates');
    const before = { out: snapshot(out), dir: fs.readdirSync(dir).sort() };

    // The function: one ConfigError with exactly these problems.
    let thrown: unknown;
    try {
      generate({ config: file, out });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems).toEqual(c.problems);

    // The command line: the same report on stderr, exit status 1, nothing on stdout.
    const io = capture();
    const status = main(['--config', file, '--out', out], io);
    const n = c.problems.length;
    expect(io.err).toBe(`error: ${file}: ${n} problem${n === 1 ? '' : 's'} in the configuration\n${c.problems.map((p) => `  ${p}\n`).join('')}`);
    expect(io.out).toBe('');
    expect(status).toBe(1);

    // Nothing written: the same files with the same bytes, no directory created, no leftovers.
    expect(snapshot(out)).toEqual(before.out);
    expect(fs.readdirSync(dir).sort()).toEqual(before.dir);
    if (!outExists) expect(fs.existsSync(path.dirname(out))).toBe(false);
  });
});
