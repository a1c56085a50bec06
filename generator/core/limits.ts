/**
 * CloudFormation quotas the generator and the scripts hold templates to (AWS CloudFormation
 * User Guide, "Understand CloudFormation quotas",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
 */

/** The largest template body passed inline (TemplateBody), without an S3 bucket. */
export const TEMPLATE_BODY_LIMIT_BYTES = 51_200;
