/**
 * The one naming module. Every physical name the templates set is built here, as
 * `{project}-[{service}-]{resource-type}-{environmentSuffix}`, and checked when the
 * template is generated: with every parameter at its MaxLength and the longest region
 * code, the name must still fit its service's length limit and character set.
 */
import { AWS, Referable } from '../intrinsics';

export { ACCOUNT_ID_LENGTH, NAME_RULES, NameError, REGION_MAX_LENGTH, nameText, nameValue, physicalName, standardName, worstCase } from './rules';
export type { NameKind, NamePart } from './rules';
export * from './member-roles';
export * from './pipeline-roles';
export * from './pipelines';
export * from './services';
export * from './stacks';
export * from './arns';
export * from './configured';

export type { Referable };
export { AWS };
