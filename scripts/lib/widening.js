'use strict';
/**
 * What a template change grants that the template before it did not: the pipeline's
 * permission-widening gate, and the diff command, compare two CloudFormation templates
 * (JSON objects, as deployed or as rendered) with
 *
 *   const { widening } = require('./widening');
 *   const { widened, narrowed } = widening(oldTemplate, newTemplate);
 *
 * A Finding names the resource (`logicalId`, `resourceType`), its `kind` ('identity
 * policy', 'trust', 'boundary', 'resource policy', 'security-group ingress') and what
 * the grant is: `effect`, `actions`, `principals`, `resources` and `condition` of a policy
 * statement; `boundary` of a role or user; `protocol`, `ports` and `source` (a CIDR,
 * security group or prefix list) of an ingress rule. `summary` says it in one line.
 *
 * How it decides. Every policy statement is split into grants of one action, one
 * principal and one resource (with the statement's condition); every ingress rule is one
 * grant (scripts/lib/grants.js). A grant of the new template widens unless a grant of the old one covers it:
 * same resource and kind, an action/principal/resource pattern that matches it (`*`,
 * `?`), and conditions that are a subset of the new ones (more conditions only narrow).
 * Deny statements work the other way round: a deny of the old template that the new one
 * no longer has widens. A removed or changed permissions boundary, a new managed policy
 * attachment and a policy attached to another role, user or group widen too. Values
 * built with intrinsic functions compare by their JSON text. It errs on the side of
 * reporting: a rewritten statement shows as widened even when it grants the same.
 *
 * Plain Node.js, no dependencies: it runs in CodeBuild from the templates source.
 */

const { canonical } = require('./canonical-json');
const { KIND, asList, display, grantsOf } = require('./grants');

/** Glob match of IAM patterns (`*`, `?`), case-insensitive for actions. */
function matches(pattern, value, ignoreCase) {
  if (pattern === value) return true;
  if (typeof pattern !== 'string' || typeof value !== 'string' || !/[*?]/.test(pattern)) {
    return ignoreCase && typeof pattern === 'string' && typeof value === 'string' && pattern.toLowerCase() === value.toLowerCase();
  }
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    ignoreCase ? 'i' : '',
  );
  return re.test(value);
}

/** A condition as entries `operator:key=values`, the unit in which conditions compare. */
function conditionEntries(condition) {
  const out = [];
  if (!condition || typeof condition !== 'object') return condition === undefined ? out : [canonical(condition)];
  for (const [op, block] of Object.entries(condition)) {
    if (!block || typeof block !== 'object' || Array.isArray(block) || Object.keys(block).some((k) => k === 'Ref' || k.startsWith('Fn::'))) {
      out.push(`${op}=${canonical(block)}`);
      continue;
    }
    for (const [key, values] of Object.entries(block)) out.push(`${op}:${key}=${canonical(asList(values).map(display).sort())}`);
  }
  return out;
}

/** The old grant's conditions are all in the new grant: the new one is at most as wide. */
function conditionsCover(oldCondition, newCondition) {
  const have = new Set(conditionEntries(newCondition));
  return conditionEntries(oldCondition).every((e) => have.has(e));
}

/** The fields that place a grant: the same resource, kind, policy and attachment. */
const placeKey = (g) => canonical([g.logicalId, g.resourceType, g.kind, g.policy, g.attachedTo, g.group]);

/** `wide` grants at least what `narrow` grants (the same place and effect assumed). */
function covers(wide, narrow) {
  if (wide.attach !== undefined || narrow.attach !== undefined) return wide.attach === narrow.attach;
  if (wide.boundary !== undefined || narrow.boundary !== undefined) return wide.boundary === narrow.boundary;
  if (wide.protocol !== undefined) {
    return (
      (wide.protocol === '-1' || wide.protocol === narrow.protocol) &&
      wide.source === narrow.source &&
      (typeof wide.from !== 'number' || typeof narrow.from !== 'number' ? wide.from === narrow.from && wide.to === narrow.to : wide.from <= narrow.from && wide.to >= narrow.to)
    );
  }
  return (
    matches(wide.action, narrow.action, true) &&
    (wide.principal === narrow.principal || wide.principal === '*' || matches(wide.principal, narrow.principal, false)) &&
    (wide.resource === narrow.resource || matches(wide.resource, narrow.resource, false)) &&
    conditionsCover(wide.condition, narrow.condition)
  );
}

/** Grants of `candidates` that nothing of `reference` (at the same place) covers. */
function uncovered(candidates, reference, coverOf) {
  const byPlace = new Map();
  for (const g of reference) {
    const k = `${placeKey(g)}|${g.effect}`;
    if (!byPlace.has(k)) byPlace.set(k, []);
    byPlace.get(k).push(g);
  }
  return candidates.filter((g) => !(byPlace.get(`${placeKey(g)}|${g.effect}`) || []).some((r) => coverOf(r, g)));
}

/** Grants that differ only in action, principal or resource become one finding. */
function findings(grants, change) {
  const groups = new Map();
  for (const g of grants) {
    const key = canonical([
      placeKey(g),
      g.effect,
      g.principal,
      g.resource,
      g.condition === undefined ? null : g.condition,
      g.attach,
      g.boundary,
      g.protocol,
      g.from,
      g.to,
      g.source,
    ]);
    if (!groups.has(key)) groups.set(key, { g, actions: [] });
    if (g.action !== undefined && !groups.get(key).actions.includes(g.action)) groups.get(key).actions.push(g.action);
  }
  // Then merge findings that differ only in resource, to keep messages short.
  const merged = new Map();
  for (const { g, actions } of groups.values()) {
    const key = canonical([placeKey(g), g.effect, g.principal, g.condition === undefined ? null : g.condition, g.attach, g.boundary, g.protocol, g.from, g.to, g.source, actions]);
    if (!merged.has(key)) merged.set(key, { g, actions, resources: [] });
    if (g.resource !== undefined) merged.get(key).resources.push(g.resource);
  }
  return [...merged.values()].map(({ g, actions, resources }) => finding(g, actions, resources, change));
}

function finding(g, actions, resources, change) {
  const f = { logicalId: g.logicalId, resourceType: g.resourceType, kind: g.kind };
  if (g.policy !== undefined) f.policy = g.policy;
  if (g.attachedTo !== undefined) f.attachedTo = g.attachedTo;
  const parts = [];
  if (g.protocol !== undefined) {
    Object.assign(f, { protocol: g.protocol, ports: g.protocol === '-1' ? 'all' : g.from === g.to ? String(g.from) : `${g.from}-${g.to}`, source: g.source });
    const cidr = /^CidrIp(v6)? (.*)$/.exec(g.source);
    if (cidr) f.cidr = cidr[2];
    parts.push(`${g.protocol === '-1' ? 'all traffic' : `${g.protocol} ${f.ports}`} from ${g.source}`);
  } else if (g.boundary !== undefined) {
    f.boundary = g.boundary;
    parts.push(change === 'widened' ? `boundary ${g.boundary} removed or replaced` : `boundary ${g.boundary} added`);
  } else if (g.attach !== undefined) {
    f.managedPolicy = g.attach;
    parts.push(`${change === 'widened' ? 'attaches' : 'detaches'} managed policy ${g.attach}`);
  } else {
    f.effect = g.effect;
    f.actions = actions;
    if (g.principal !== undefined) f.principals = [g.principal];
    if (resources.length) f.resources = resources;
    if (g.condition !== undefined) f.condition = g.condition;
    const verb = g.effect === 'Deny' ? (change === 'widened' ? 'no longer denies' : 'denies') : change === 'widened' ? 'allows' : 'no longer allows';
    parts.push(`${verb} ${actions.join(', ')}`);
    if (g.principal !== undefined) parts.push(`to ${g.principal}`);
    if (resources.length) parts.push(`on ${resources.join(', ')}`);
    if (g.condition !== undefined) parts.push('(with conditions)');
  }
  f.summary = `${g.logicalId} (${g.kind}${g.policy !== undefined ? ` ${g.policy}` : ''}${g.attachedTo !== undefined ? ` of ${g.attachedTo}` : ''}): ${parts.join(' ')}`;
  return f;
}

/**
 * What `newTemplate` grants beyond `oldTemplate` (`widened`), and what it no longer
 * grants (`narrowed`). `oldTemplate` null or undefined: a stack not created yet, all of
 * whose grants are new.
 */
function widening(oldTemplate, newTemplate) {
  const before = grantsOf(oldTemplate || {});
  const after = grantsOf(newTemplate || {});
  const allowsBefore = before.filter((g) => g.effect === 'Allow');
  const allowsAfter = after.filter((g) => g.effect === 'Allow');
  const deniesBefore = before.filter((g) => g.effect === 'Deny');
  const deniesAfter = after.filter((g) => g.effect === 'Deny');
  const widened = [...uncovered(allowsAfter, allowsBefore, covers), ...uncovered(deniesBefore, deniesAfter, covers)];
  const narrowed = [...uncovered(allowsBefore, allowsAfter, covers), ...uncovered(deniesAfter, deniesBefore, covers)];
  return { widened: findings(widened, 'widened'), narrowed: findings(narrowed, 'narrowed') };
}

/** The findings' summaries as one text of at most `maxChars` characters (the rest counted). */
function describe(list, maxChars = Infinity) {
  const lines = [];
  let used = 0;
  for (let i = 0; i < list.length; i += 1) {
    const more = `... and ${list.length - i} more`;
    const line = list[i].summary;
    const reserve = i < list.length - 1 ? more.length + 2 : 0;
    if (used + line.length + reserve > maxChars) {
      lines.push(more);
      break;
    }
    lines.push(line);
    used += line.length + 2;
  }
  return lines.join('; ');
}

module.exports = { widening, describe, KIND };
