/**
 * What AWS and git accept, checked where the value is configured.
 */
import { Json, isObject, str } from './json';
import { show } from './messages';

/**
 * S3 bucket names may not start with these (and every bucket name starts with
 * project.name): https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export const S3_FORBIDDEN_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;

/**
 * Why a branch name is not a git branch (`git check-ref-format --branch`; the schema's
 * pattern already limits the characters to letters, digits and ._/-), or undefined.
 * https://git-scm.com/docs/git-check-ref-format
 */
export function branchProblem(name: string): string | undefined {
  if (name.startsWith('-')) return 'may not start with "-"';
  if (name.startsWith('/') || name.endsWith('/')) return 'may not start or end with "/"';
  if (name.includes('//')) return 'may not hold "//"';
  if (name.includes('..')) return 'may not hold ".."';
  if (name.endsWith('.')) return 'may not end with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `may not have a part that starts with "." ("${part}")`;
    if (part.endsWith('.lock')) return `may not have a part that ends with ".lock" ("${part}")`;
  }
  return undefined;
}

/**
 * An e-mail address as SNS's email protocol takes it: an RFC 5321 mailbox (dot-atom local
 * part of at most 64 characters, a domain of letters, digits and hyphens with a top-level
 * label of letters), no display name, no quoted local part, no control characters.
 * https://www.rfc-editor.org/rfc/rfc5321#section-4.1.2 and section 4.5.3.1.1
 */
export function mailboxProblem(address: string): string | undefined {
  if (/[<>"\s]/.test(address)) return 'must be a bare address (no display name, quotes, angle brackets or spaces)';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(address)) return 'may not hold control characters';
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (at <= 0 || !/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local)) {
    return 'must have a local part of letters, digits and !#$%&\'*+/=?^_`{|}~- in dot-separated words before "@"';
  }
  if (local.length > 64) return `has a local part of ${local.length} characters; at most 64 are allowed`;
  if (!/^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/.test(domain)) {
    return 'must have a domain of dot-separated labels (letters, digits, inner hyphens) ending in a top-level domain of letters';
  }
  return undefined;
}

/** What AWS and git accept beyond the schema's patterns, one section of the configuration at a time. */
export function awsValueRules(data: Json, problems: string[]): void {
  projectNameRules(data, problems);
  const source = sourceRules(data, problems);
  notificationRules(data, problems);
  buildImageRules(data, source, problems);
}

/** project.name starts every S3 bucket name, so S3's forbidden prefixes apply to it. */
function projectNameRules(data: Json, problems: string[]): void {
  const project = isObject(data.project) ? data.project : undefined;
  const name = str(project, 'name');
  const prefix = name === undefined ? undefined : S3_FORBIDDEN_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) {
    problems.push(
      `project.name: ${show(name)} starts every S3 bucket name, and S3 bucket names may not start with "${prefix}" ` +
        `(nor ${S3_FORBIDDEN_PREFIXES.filter((p) => p !== prefix)
          .map((p) => `"${p}"`)
          .join(' or ')})`,
    );
  }
}

/** The branches, repositories and file globs of `source`; returns the section for the checks that read it. */
function sourceRules(data: Json, problems: string[]): Json | undefined {
  const source = isObject(data.source) ? data.source : undefined;
  for (const key of ['branch', 'templatesBranch']) {
    const branch = str(source, key, '^[A-Za-z0-9._/-]{1,255}$');
    const problem = branch === undefined ? undefined : branchProblem(branch);
    if (problem) problems.push(`source.${key}: ${show(branch)} is not a git branch name: it ${problem}`);
  }
  for (const key of ['repository', 'templatesRepository']) {
    const repo = str(source, key, '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?$');
    if (repo === undefined) continue;
    const dots = repo.split('/').find((part) => part === '.' || part === '..');
    if (dots) problems.push(`source.${key}: ${show(repo)} may not have "${dots}" as a part; give "owner/name" or a repository name`);
    if (source?.provider === 'CodeCommit' && /\.git$/i.test(repo)) {
      problems.push(`source.${key}: ${show(repo)} may not end in ".git": CodeCommit repository names cannot (https://docs.aws.amazon.com/codecommit/latest/userguide/limits.html)`);
    }
  }
  if (Array.isArray(source?.filePaths)) {
    source.filePaths.forEach((glob, i) => {
      if (typeof glob === 'string' && glob.includes(',')) {
        problems.push(
          `source.filePaths[${i}]: ${show(glob)} holds a comma; the pipeline receives the globs as one comma-separated list, ` +
            'so it would become two globs: give one glob per item (for {a,b}, one item for each alternative)',
        );
      }
    });
  }
  return source;
}

/** The e-mail addresses SNS sends to. */
function notificationRules(data: Json, problems: string[]): void {
  const notifications = isObject(data.notifications) ? data.notifications : undefined;
  for (const key of ['approvalEmail', 'alertEmail']) {
    const address = str(notifications, key, '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'); // the schema's pattern, else the schema reports it
    const problem = address === undefined ? undefined : mailboxProblem(address);
    if (problem) problems.push(`notifications.${key}: ${show(address)} is not an e-mail address SNS can send to: it ${problem}`);
  }
}

/**
 * The build image's region, repository and tag. The pipeline pulls the build image from
 * its own region (${AWS::Region} in the template), so an image URI of another region
 * would be silently replaced by the pipeline's. Source actions run in the pipeline's
 * region (CodePipeline refuses others: https://github.com/aws/aws-cdk/pull/4303), so the
 * connection's ARN names that region.
 */
function buildImageRules(data: Json, source: Json | undefined, problems: string[]): void {
  const build = isObject(data.build) ? data.build : undefined;
  const image = str(build, 'buildImage');
  const imageRegion = image === undefined ? undefined : /^[0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//.exec(image);
  if (imageRegion) {
    const [, region, cn] = imageRegion;
    if (region.startsWith('cn-') !== (cn !== undefined)) {
      problems.push(
        `build.buildImage: ${show(image)}: region ${region} ${cn ? 'is not a China region but the host ends in .amazonaws.com.cn' : 'is a China region; its host ends in .amazonaws.com.cn'}`,
      );
    }
    // ECR's own rules for the parts, as the pipeline template's parameters hold them:
    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
    // and https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html
    const parts = /\/([^:@]+)(?::(.*))?(?:@sha256:[a-f0-9]{64})?$/.exec(image!.slice(image!.indexOf('/')));
    const repository = parts?.[1];
    if (repository !== undefined && !/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(repository)) {
      problems.push(
        `build.buildImage: ${show(image)}: the repository name "${repository}" must be words of a-z and 0-9 joined by single ".", "_" or "-", separated by "/" (ECR's rule)`,
      );
    }
    const tag = parts?.[2];
    if (tag !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(tag)) {
      problems.push(`build.buildImage: ${show(image)}: the tag "${tag}" must start with a letter, digit or "_" and have at most 128 characters (ECR's rule)`);
    }
    const connection = str(source, 'connectionArn');
    const pipelineRegion = connection?.split(':')[3];
    if (pipelineRegion && pipelineRegion !== region) {
      problems.push(
        `build.buildImage: ${show(image)} is in ${region}, but the pipeline runs in ${pipelineRegion} (the region of source.connectionArn) ` +
          "and pulls its build image from there: push the image to the pipeline's region",
      );
    }
  }
}
