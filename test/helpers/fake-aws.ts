/**
 * A stand-in for an SDK client that answers each command from a table of handlers and
 * records the calls: for the paths moto cannot produce (rollbacks, failed instances,
 * change sets that AWS marks FAILED for having no changes).
 */
export type Handler = (input: Record<string, unknown>, call: number) => unknown;

export interface FakeClient {
  readonly calls: { command: string; input: Record<string, unknown> }[];
  send(command: { input: Record<string, unknown>; constructor: { name: string } }): Promise<unknown>;
  destroy(): void;
}

export function fakeClient(handlers: Record<string, Handler>): FakeClient {
  const calls: FakeClient['calls'] = [];
  const counts = new Map<string, number>();
  return {
    calls,
    async send(command) {
      const name = command.constructor.name.replace(/Command$/, '');
      calls.push({ command: name, input: command.input });
      const n = counts.get(name) ?? 0;
      counts.set(name, n + 1);
      const handler = handlers[name];
      if (!handler) throw new Error(`unexpected call ${name}`);
      return handler(command.input, n);
    },
    destroy() {},
  };
}

/** An error as the SDK throws it for a service error. */
export function serviceError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}
