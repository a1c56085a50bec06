import type { Change, StackEvent } from '@aws-sdk/client-cloudformation';
import { failureReasons, formatEvent, formatPreview, isNoChangeReason, previewLines, stackOutcome, valueChanges } from '../../scripts/lib/changeset';
import { painter } from '../../scripts/lib/color';

const plain = painter(false);

const change = (rc: NonNullable<Change['ResourceChange']>): Change => ({ Type: 'Resource', ResourceChange: rc });

const CHANGES: Change[] = [
  change({ Action: 'Add', LogicalResourceId: 'Topic', ResourceType: 'AWS::SNS::Topic' }),
  change({
    Action: 'Modify',
    LogicalResourceId: 'Bucket',
    ResourceType: 'AWS::S3::Bucket',
    Replacement: 'True',
    Details: [{ Target: { Attribute: 'Properties', Name: 'BucketName', RequiresRecreation: 'Always' } }, { Target: { Attribute: 'Tags', RequiresRecreation: 'Never' } }],
  }),
  change({
    Action: 'Modify',
    LogicalResourceId: 'Group',
    ResourceType: 'AWS::EC2::SecurityGroup',
    Replacement: 'Conditional',
    Details: [{ Target: { Attribute: 'Properties', Name: 'GroupDescription', RequiresRecreation: 'Conditionally' } }],
  }),
  change({
    Action: 'Modify',
    LogicalResourceId: 'DeployRole',
    ResourceType: 'AWS::IAM::Role',
    Replacement: 'False',
    Details: [{ Target: { Attribute: 'Properties', Name: 'Policies', RequiresRecreation: 'Never' } }],
  }),
  change({ Action: 'Remove', LogicalResourceId: 'OldKey', ResourceType: 'AWS::KMS::Key' }),
];

describe('change set preview', () => {
  test('marks each change, calls out replacement and flags IAM and resource policies', () => {
    const lines = formatPreview(previewLines(CHANGES), [], [], plain);
    expect(lines).toEqual([
      '~ modify Bucket (AWS::S3::Bucket)  replacement: True',
      '      properties: BucketName!, Tags',
      '~ modify DeployRole (AWS::IAM::Role)  [IAM]',
      '      properties: Policies',
      '~ modify Group (AWS::EC2::SecurityGroup)  replacement: Conditional',
      '      properties: GroupDescription!',
      '- remove OldKey (AWS::KMS::Key)  [resource policy]',
      '+ add    Topic (AWS::SNS::Topic)',
      '1 to add, 3 to modify (1 replaced, 1 maybe replaced), 1 to remove; 2 touch IAM or a resource policy',
    ]);
  });

  test('parameter and tag changes are listed after the resources', () => {
    const params = valueChanges({ CostCenter: 'a', Gone: 'x' }, { CostCenter: 'b', New: 'y' });
    const tags = valueChanges({ Owner: 'x' }, { Owner: 'x' });
    expect(formatPreview([], params, tags, plain)).toEqual([
      '~ parameter CostCenter: a -> b',
      '- parameter Gone: x',
      '+ parameter New: y',
      '0 to add, 0 to modify (0 replaced, 0 maybe replaced), 0 to remove',
    ]);
  });

  test('with colour, an addition is green and the IAM flag bold red', () => {
    const [line] = formatPreview(previewLines([change({ Action: 'Add', LogicalResourceId: 'R', ResourceType: 'AWS::IAM::Role' })]), [], [], painter(true));
    expect(line).toBe('\u001b[32m+ add    R (AWS::IAM::Role)\u001b[39m  \u001b[1m\u001b[31m[IAM]\u001b[39m\u001b[22m');
  });

  test.each([
    ["The submitted information didn't contain changes. Submit different information to create a change set.", true],
    ['No updates are to be performed.', true],
    ['Template format error: Unresolved resource dependencies [X]', false],
    [undefined, false],
  ])('isNoChangeReason(%j) is %s', (reason, expected) => {
    expect(isNoChangeReason(reason)).toBe(expected);
  });
});

describe('stack outcomes and failures', () => {
  test.each([
    ['CREATE_IN_PROGRESS', 'in-progress'],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'in-progress'],
    ['UPDATE_ROLLBACK_IN_PROGRESS', 'in-progress'],
    ['CREATE_COMPLETE', 'succeeded'],
    ['UPDATE_COMPLETE', 'succeeded'],
    ['ROLLBACK_COMPLETE', 'failed'],
    ['UPDATE_ROLLBACK_COMPLETE', 'failed'],
    ['DELETE_FAILED', 'failed'],
    ['DELETE_COMPLETE', 'gone'],
    [undefined, 'gone'],
  ])('%s is %s', (status, outcome) => {
    expect(stackOutcome(status)).toBe(outcome);
  });

  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));
  const EVENTS: StackEvent[] = [
    {
      LogicalResourceId: 'Queue',
      ResourceType: 'AWS::SQS::Queue',
      ResourceStatus: 'CREATE_FAILED',
      ResourceStatusReason: 'Resource creation cancelled',
      Timestamp: at(3),
      StackId: 's',
      StackName: 's',
      EventId: '3',
    },
    {
      LogicalResourceId: 'Bucket',
      ResourceType: 'AWS::S3::Bucket',
      ResourceStatus: 'CREATE_FAILED',
      ResourceStatusReason: 'bucket-x already exists',
      Timestamp: at(2),
      StackId: 's',
      StackName: 's',
      EventId: '2',
    },
    { LogicalResourceId: 'Topic', ResourceType: 'AWS::SNS::Topic', ResourceStatus: 'CREATE_COMPLETE', Timestamp: at(1), StackId: 's', StackName: 's', EventId: '1' },
  ];

  test('failureReasons keeps the root causes, not the cancellations', () => {
    expect(failureReasons(EVENTS)).toEqual(['Bucket (AWS::S3::Bucket): bucket-x already exists']);
  });

  test('formatEvent shows time, progress, status and reason', () => {
    expect(formatEvent(EVENTS[1], 1, 12, plain)).toBe('12:00:02 [ 1/12] CREATE_FAILED        Bucket (AWS::S3::Bucket) bucket-x already exists');
  });
});
