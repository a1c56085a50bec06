/**
 * The AWS::Logs::LogGroup handler actions no log group of this project needs: each is
 * called only for a property the log groups never set. Both CloudFormation roles that
 * create log groups (execution-role.json, pipeline-stacks-role.json) leave them out.
 * logs:DeleteDataProtectionPolicy stays granted: the delete handler lists it, and a delete
 * must not fail on a call the handler may make whatever the properties.
 */
import { Exclusion, exclude } from '../core/handler-permissions';

export const LOG_GROUP_EXCLUSIONS: readonly Exclusion[] = [
  exclude('AWS::Logs::LogGroup', ['s3:REST.PUT.OBJECT'], 'not an IAM action (an S3 REST operation name in the registry schema)'),
  exclude('AWS::Logs::LogGroup', ['logs:AssociateKmsKey', 'logs:DisassociateKmsKey'], 'called only for KmsKeyId, which is never set'),
  exclude('AWS::Logs::LogGroup', ['logs:PutDataProtectionPolicy'], 'called only for DataProtectionPolicy, which is never set'),
  exclude('AWS::Logs::LogGroup', ['logs:PutIndexPolicy', 'logs:DeleteIndexPolicy'], 'called only for FieldIndexPolicies, which are never set'),
  exclude('AWS::Logs::LogGroup', ['logs:PutResourcePolicy', 'logs:DeleteResourcePolicy'], 'called only for ResourcePolicyDocument, which is never set'),
  exclude(
    'AWS::Logs::LogGroup',
    ['logs:PutBearerTokenAuthentication', 'logs:PutLogGroupDeletionProtection'],
    'called only for BearerTokenAuthenticationEnabled and DeletionProtectionEnabled, which are never set',
  ),
  exclude(
    'AWS::Logs::LogGroup',
    ['firehose:TagDeliveryStream', 'logs:CreateLogDelivery'],
    'called only for a log delivery (vended logs to Firehose or S3), which no log group has',
  ),
];
