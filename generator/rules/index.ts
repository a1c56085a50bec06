/** The project rules, run on every template when it is generated and in the tests. */
import { blueGreenStack } from './blue-green-stack';
import { ecsNativeBlueGreen } from './ecs-native-blue-green';
import { denyTerminateInstances } from './deny-terminate-instances';
import { iamNamedActions } from './iam-named-actions';
import { noHardCodedAccounts } from './no-hard-coded-accounts';
import { noManagedPolicies } from './no-managed-policies';
import { Rule } from './rule';
import { templateSize } from './template-size';

export const RULES: readonly Rule[] = [templateSize, iamNamedActions, denyTerminateInstances, noManagedPolicies, noHardCodedAccounts, blueGreenStack, ecsNativeBlueGreen];

export type { Rule };
