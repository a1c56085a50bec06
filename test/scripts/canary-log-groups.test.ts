/**
 * destroy removes the log groups a canary's function writes to, which no stack owns.
 */
import { CloudWatchLogsClient, DeleteLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { deleteCanaryLogGroups } from '../../scripts/lib/empty';

function fakeLogs(groups: string[], pageSize = 2) {
  const deleted: string[] = [];
  const prefixes: string[] = [];
  const client = {
    send: async (command: unknown) => {
      if (command instanceof DescribeLogGroupsCommand) {
        const { logGroupNamePrefix = '', nextToken } = command.input;
        prefixes.push(logGroupNamePrefix);
        const matching = groups.filter((g) => g.startsWith(logGroupNamePrefix));
        const start = nextToken ? Number(nextToken) : 0;
        const page = matching.slice(start, start + pageSize);
        return {
          logGroups: page.map((logGroupName) => ({ logGroupName })),
          ...(start + pageSize < matching.length ? { nextToken: String(start + pageSize) } : {}),
        };
      }
      if (command instanceof DeleteLogGroupCommand) {
        deleted.push(command.input.logGroupName!);
        if (command.input.logGroupName!.endsWith('gone')) throw Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });
        return {};
      }
      throw new Error('unexpected command');
    },
  } as unknown as CloudWatchLogsClient;
  return { client, deleted, prefixes };
}

describe('deleteCanaryLogGroups', () => {
  test("deletes every page of the canary's log groups and nothing of another canary", async () => {
    const { client, deleted, prefixes } = fakeLogs([
      '/aws/lambda/cwsyn-web-dev-1a2b',
      '/aws/lambda/cwsyn-web-dev-3c4d',
      '/aws/lambda/cwsyn-web-dev-5e6f',
      '/aws/lambda/cwsyn-web-devx-7a8b',
      '/aws/lambda/other',
    ]);
    const names = await deleteCanaryLogGroups(client, 'web-dev');
    expect(names).toEqual(['/aws/lambda/cwsyn-web-dev-1a2b', '/aws/lambda/cwsyn-web-dev-3c4d', '/aws/lambda/cwsyn-web-dev-5e6f']);
    expect(deleted).toEqual(names);
    expect(prefixes).toEqual(['/aws/lambda/cwsyn-web-dev-', '/aws/lambda/cwsyn-web-dev-']);
  });

  test('a log group deleted meanwhile is not an error', async () => {
    const { client, deleted } = fakeLogs(['/aws/lambda/cwsyn-web-dev-gone']);
    await expect(deleteCanaryLogGroups(client, 'web-dev')).resolves.toEqual(['/aws/lambda/cwsyn-web-dev-gone']);
    expect(deleted).toEqual(['/aws/lambda/cwsyn-web-dev-gone']);
  });
});
