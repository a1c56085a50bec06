/**
 * The names of CloudFormation's ECS blue/green deployment through CodeDeploy: the
 * transform a stack declares and the type of its hook (AWS CloudFormation User Guide,
 * "Perform ECS blue/green deployments through CodeDeploy using CloudFormation",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/blue-green.html).
 * The hook block writes them; rule CD006 checks the stacks that carry them.
 */
export const BLUE_GREEN_TRANSFORM = 'AWS::CodeDeployBlueGreen';
export const BLUE_GREEN_HOOK_TYPE = 'AWS::CodeDeploy::BlueGreen';
