/** ARNs in the deploying account (and region), for resource-scoped statements. */
import { Intrinsic, sub } from '../core/intrinsics';

/** `arn:{partition}:{service}:{region}:{account}:{resource}` of this account and region. */
export function arn(service: string, resource: string): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
}

/** An IAM ARN (global: no region) of this account. */
export function iamArn(resource: string): Intrinsic<string> {
  return sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:${resource}`);
}
