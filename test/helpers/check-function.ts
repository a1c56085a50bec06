/**
 * Runs the inline code of a pre-traffic check function (the blue/green hook's and the
 * ECS-native lifecycle hook's) the way Lambda would, with fakes for what it may require:
 * node:http answers each probe from `answers` (a status code, or 'refused'), CloudWatch
 * reports the alarms named in `firing` as ALARM, and `extraModules` adds the service
 * client a check reports to. Any other require fails the test.
 */
import { EventEmitter } from 'node:events';
import * as vm from 'node:vm';

export class FakeCommand {
  constructor(readonly input: Record<string, unknown>) {}
}

export interface CheckRun {
  readonly result: unknown;
  /** The URLs probed, in order. */
  readonly calls: string[];
  /** The inputs of every DescribeAlarms call. */
  readonly alarmReads: Array<Record<string, unknown>>;
  /** What the function logged. */
  readonly logs: string[];
}

export async function runCheckCode(
  source: string,
  env: Record<string, unknown>,
  p: { answers: Array<number | 'refused'>; firing: readonly string[]; event: unknown; extraModules?: Record<string, unknown> },
): Promise<CheckRun> {
  const answers = [...p.answers];
  const calls: string[] = [];
  const alarmReads: Array<Record<string, unknown>> = [];
  const logs: string[] = [];
  class DescribeAlarmsCommand extends FakeCommand {}
  const modules: Record<string, unknown> = {
    'node:http': {
      get(url: string, _options: unknown, onResponse: (res: { statusCode: number; resume(): void }) => void) {
        calls.push(url);
        const req = Object.assign(new EventEmitter(), { destroy: (err: Error) => req.emit('error', err) });
        const answer = answers.shift() ?? 'refused';
        setImmediate(() => (answer === 'refused' ? req.emit('error', new Error('connect ECONNREFUSED')) : onResponse({ statusCode: answer, resume() {} })));
        return req;
      },
    },
    '@aws-sdk/client-cloudwatch': {
      DescribeAlarmsCommand,
      CloudWatchClient: class {
        async send(cmd: FakeCommand) {
          alarmReads.push(cmd.input);
          const asked = cmd.input.AlarmNames as string[];
          return { MetricAlarms: asked.map((n) => ({ AlarmName: n, StateValue: p.firing.includes(n) ? 'ALARM' : 'OK' })) };
        }
      },
    },
    ...p.extraModules,
  };
  const module = { exports: {} as { handler?: (e: unknown) => Promise<unknown> } };
  const quiet = { log: (line: string) => logs.push(line), error: () => undefined };
  const wrapper = new vm.Script(`(function (require, module, exports, process, console, setTimeout) {\n${source}\n})`).runInThisContext();
  wrapper(
    (name: string) => {
      if (!(name in modules)) throw new Error(`the check function may not require ${name}`);
      return modules[name];
    },
    module,
    module.exports,
    { env },
    quiet,
    (cb: () => void) => setImmediate(cb),
  );
  const result = await module.exports.handler!(p.event);
  return { result, calls, alarmReads, logs };
}
