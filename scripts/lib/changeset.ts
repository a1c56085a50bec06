/**
 * Change sets and stack events as text: pure functions from SDK shapes to lines.
 */
import type { Change, StackEvent } from '@aws-sdk/client-cloudformation';
import { Painter } from './color';

export type ChangeMarker = '+' | '~' | '-' | '>';

export interface PreviewLine {
  readonly marker: ChangeMarker;
  readonly logicalId: string;
  readonly type: string;
  /** `True` or `Conditional` when CloudFormation will (or may) replace the resource. */
  readonly replacement?: 'True' | 'Conditional';
  /** Properties that change; a trailing `!` when the change requires recreation. */
  readonly properties: string[];
  /** Why the change deserves a second look: IAM, resource policies. */
  readonly flag?: 'IAM' | 'resource policy';
}

const RESOURCE_POLICY_TYPES = new Set([
  'AWS::S3::BucketPolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::QueuePolicy',
  'AWS::KMS::Key',
  'AWS::Lambda::Permission',
  'AWS::ECR::Repository',
  'AWS::SecretsManager::ResourcePolicy',
  'AWS::Events::EventBusPolicy',
  'AWS::Logs::ResourcePolicy',
]);

export function securityFlag(type: string): PreviewLine['flag'] {
  if (type.startsWith('AWS::IAM::')) return 'IAM';
  return RESOURCE_POLICY_TYPES.has(type) ? 'resource policy' : undefined;
}

export function previewLines(changes: readonly Change[]): PreviewLine[] {
  const lines: PreviewLine[] = [];
  for (const c of changes) {
    const rc = c.ResourceChange;
    if (!rc) continue;
    const marker: ChangeMarker = rc.Action === 'Add' ? '+' : rc.Action === 'Remove' ? '-' : rc.Action === 'Import' ? '>' : '~';
    const props = new Set<string>();
    for (const d of rc.Details ?? []) {
      const t = d.Target;
      if (!t) continue;
      const name = t.Attribute === 'Properties' && t.Name ? t.Name : (t.Attribute ?? '');
      if (!name) continue;
      props.add(t.RequiresRecreation && t.RequiresRecreation !== 'Never' ? `${name}!` : name);
    }
    const replacement = rc.Replacement === 'True' || rc.Replacement === 'Conditional' ? rc.Replacement : undefined;
    const type = rc.ResourceType ?? '?';
    lines.push({
      marker,
      logicalId: rc.LogicalResourceId ?? '?',
      type,
      ...(marker === '~' && replacement ? { replacement } : {}),
      properties: [...props].sort(),
      ...(securityFlag(type) ? { flag: securityFlag(type) } : {}),
    });
  }
  return lines.sort((a, b) => a.logicalId.localeCompare(b.logicalId));
}

export interface ValueChange {
  readonly key: string;
  readonly before?: string;
  readonly after?: string;
}

/** Parameter (or tag) values that differ between the stack and the new deployment. */
export function valueChanges(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): ValueChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((k) => before[k] !== after[k]).map((k) => ({ key: k, before: before[k], after: after[k] }));
}

export function formatPreview(lines: readonly PreviewLine[], parameters: readonly ValueChange[], tags: readonly ValueChange[], p: Painter): string[] {
  const out: string[] = [];
  const colour = (m: ChangeMarker) => (m === '+' ? p.green : m === '-' ? p.red : p.yellow);
  for (const l of lines) {
    const verb = l.marker === '+' ? 'add' : l.marker === '-' ? 'remove' : l.marker === '>' ? 'import' : 'modify';
    let text = `${l.marker} ${verb.padEnd(6)} ${l.logicalId} (${l.type})`;
    if (l.replacement) text += `  replacement: ${l.replacement}`;
    const line = colour(l.marker)(text) + (l.flag ? `  ${p.bold(p.red(`[${l.flag}]`))}` : '');
    out.push(line);
    if (l.properties.length) out.push(p.dim(`      properties: ${l.properties.join(', ')}`));
  }
  const values = (title: string, changes: readonly ValueChange[]) => {
    for (const c of changes) {
      const marker: ChangeMarker = c.before === undefined ? '+' : c.after === undefined ? '-' : '~';
      const value = marker === '+' ? c.after : marker === '-' ? c.before : `${c.before} -> ${c.after}`;
      out.push(colour(marker)(`${marker} ${title} ${c.key}: ${value}`));
    }
  };
  values('parameter', parameters);
  values('tag', tags);
  const replaced = lines.filter((l) => l.replacement === 'True').length;
  const maybe = lines.filter((l) => l.replacement === 'Conditional').length;
  const flagged = lines.filter((l) => l.flag).length;
  const count = (m: ChangeMarker) => lines.filter((l) => l.marker === m).length;
  out.push(
    `${count('+')} to add, ${count('~')} to modify (${replaced} replaced, ${maybe} maybe replaced), ${count('-')} to remove` +
      (flagged ? `; ${flagged} touch${flagged === 1 ? 'es' : ''} IAM or a resource policy` : ''),
  );
  return out;
}

/** A change set CloudFormation refused because nothing would change. */
export function isNoChangeReason(reason: string | undefined): boolean {
  return /didn't contain changes|No updates are to be performed|no changes/i.test(reason ?? '');
}

export type StackOutcome = 'in-progress' | 'succeeded' | 'failed' | 'gone';

export function stackOutcome(status: string | undefined): StackOutcome {
  if (status === undefined || status === 'DELETE_COMPLETE') return 'gone';
  if (status.endsWith('_IN_PROGRESS')) return 'in-progress';
  if (status.includes('ROLLBACK') || status.endsWith('_FAILED')) return 'failed';
  return 'succeeded';
}

/** The resources that failed, each with CloudFormation's reason, oldest first. */
export function failureReasons(events: readonly StackEvent[]): string[] {
  return events
    .filter((e) => (e.ResourceStatus ?? '').endsWith('_FAILED') && e.ResourceStatusReason)
    .filter((e) => !/Resource creation cancelled|Resource update cancelled/i.test(e.ResourceStatusReason ?? ''))
    .sort((a, b) => (a.Timestamp?.getTime() ?? 0) - (b.Timestamp?.getTime() ?? 0))
    .map((e) => `${e.LogicalResourceId} (${e.ResourceType}): ${e.ResourceStatusReason}`);
}

export function formatEvent(e: StackEvent, done: number, total: number, p: Painter): string {
  const status = e.ResourceStatus ?? '';
  const colour = status.endsWith('_FAILED') || status.includes('ROLLBACK') ? p.red : status.endsWith('_COMPLETE') ? p.green : p.dim;
  const time = e.Timestamp ? e.Timestamp.toISOString().slice(11, 19) : '--:--:--';
  const progress = total > 0 ? `[${String(done).padStart(String(total).length)}/${total}] ` : '';
  return `${time} ${progress}${colour(status.padEnd(20))} ${e.LogicalResourceId} (${e.ResourceType})${e.ResourceStatusReason ? ` ${p.dim(e.ResourceStatusReason)}` : ''}`;
}
