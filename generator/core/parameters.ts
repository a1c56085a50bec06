/**
 * The parameters every template shares, with their constraints in one place so that
 * every template, the configuration schema and the naming module agree on what a
 * project name or an environment suffix may be.
 */
import { StringParameter } from './template';

export const PATTERNS = {
  accountId: '^[0-9]{12}$',
  projectName: '^[a-z][a-z0-9-]{1,11}$',
  serviceName: '^[a-z][a-z0-9-]{0,15}$',
  environmentName: '^[a-z][a-z0-9]{1,9}$',
  environmentSuffix: '^[a-z][a-z0-9]{1,9}$',
  costCenter: '^[A-Za-z0-9][A-Za-z0-9_.:/=+@-]{0,63}$',
  /** A DNS host name in lower case, at least two labels (services' publicHostname). */
  hostname: '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$',
} as const;

export const MAX_LENGTH = {
  projectName: 12,
  serviceName: 16,
  environmentName: 10,
  environmentSuffix: 10,
  costCenter: 64,
} as const;

export const PROJECT_NAME: StringParameter = {
  Type: 'String',
  Description: 'Project name; the first part of every resource name',
  AllowedPattern: PATTERNS.projectName,
  MinLength: 2,
  MaxLength: MAX_LENGTH.projectName,
  ConstraintDescription: 'lower-case letters, digits and hyphens, starting with a letter, 2 to 12 characters',
};

export const SERVICE_NAME: StringParameter = {
  Type: 'String',
  Description: 'Name of the containerized service',
  AllowedPattern: PATTERNS.serviceName,
  MinLength: 1,
  MaxLength: MAX_LENGTH.serviceName,
  ConstraintDescription: 'lower-case letters, digits and hyphens, starting with a letter, at most 16 characters',
};

export const ENVIRONMENT_NAME: StringParameter = {
  Type: 'String',
  Description: 'Environment this stack belongs to (dev, staging, prod, ...); the Environment tag',
  AllowedPattern: PATTERNS.environmentName,
  MinLength: 2,
  MaxLength: MAX_LENGTH.environmentName,
  ConstraintDescription: 'lower-case letters and digits, starting with a letter, 2 to 10 characters',
};

export const ENVIRONMENT_SUFFIX: StringParameter = {
  Type: 'String',
  Description: 'Suffix that ends every resource name of this environment, as in {resource-type}-{suffix}',
  AllowedPattern: PATTERNS.environmentSuffix,
  MinLength: 2,
  MaxLength: MAX_LENGTH.environmentSuffix,
  ConstraintDescription: 'lower-case letters and digits, starting with a letter, 2 to 10 characters',
};

export const COST_CENTER: StringParameter = {
  Type: 'String',
  Description: 'Cost center for the CostCenter tag',
  AllowedPattern: PATTERNS.costCenter,
  MinLength: 1,
  MaxLength: MAX_LENGTH.costCenter,
  ConstraintDescription: 'letters, digits and _.:/=+@- (a valid tag value), at most 64 characters',
};

export function accountIdParameter(description: string): StringParameter {
  return {
    Type: 'String',
    Description: description,
    AllowedPattern: PATTERNS.accountId,
    ConstraintDescription: 'a 12-digit AWS account ID',
  };
}
