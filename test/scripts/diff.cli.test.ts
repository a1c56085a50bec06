/**
 * `npm run diff` as a reviewer runs it: the bare command over the real templates/, a
 * comparison with a git ref in a scratch repository, the markdown form, and the exit
 * statuses (0 same, 1 differs, 2 usage, 3 error).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareTrees, gitTree, main as diff, otherTemplate, parameterFileTemplate, planDiff, pullRequestBase, readTree, DIFF_SPEC } from '../../scripts/diff';
import { parseArgs } from '../../scripts/lib/args';
import { formatDiff, markdownReport, readable, summarizeDiff, wideningAnalyser } from '../../scripts/lib/diff';
import { painter } from '../../scripts/lib/color';
import { recordingTerminal } from '../../scripts/lib/terminal';
import { COMMITTED_TEMPLATES_DIR, TEMPLATES_DIR } from '../helpers/template';

async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  // Outside a pull request unless a test says otherwise.
  const vars = { GITHUB_BASE_REF: undefined, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: undefined, ...env };
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(vars);
  try {
    const term = recordingTerminal();
    const code = await diff(argv, term);
    return { code, out: term.lines.join('\n'), err: term.errors.join('\n') };
  } finally {
    set(saved);
  }
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

const role = (actions: string[]) => ({
  Description: 'roles',
  Resources: {
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        Policies: [
          { PolicyName: 'app', PolicyDocument: { Statement: [{ Sid: 'Read', Effect: 'Allow', Action: actions, Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::b/*' } }] } },
        ],
      },
    },
  },
});

describe('the bare command over the committed templates/', () => {
  test('reads every file of the committed layout (per-service parameter folders included) and exits 0', async () => {
    // As a user runs it: the user's configuration against the committed templates/.
    const r = await run([], { DELIVERY_CONFIG: undefined });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const tree = readTree(COMMITTED_TEMPLATES_DIR);
    expect([...tree.keys()].some((f) => /^parameters\/[^/]+\/[^/]+\/[^/]+\.json$/.test(f))).toBe(true);
    expect(r.out).toContain('no changes: ');
    expect(r.out).toContain('--base origin/main');
  });

  test('--exit-code is still accepted', async () => {
    expect((await run(['--exit-code'], { DELIVERY_CONFIG: undefined })).code).toBe(0);
  });

  test('a pull request (GITHUB_BASE_REF) compares with origin/<base> by default', () => {
    const args = parseArgs(DIFF_SPEC, []);
    expect(planDiff(args, { GITHUB_BASE_REF: 'main' }).mode).toEqual({ kind: 'base', ref: 'origin/main' });
    expect(planDiff(args, {}).mode.kind).toBe('generated');
    expect(planDiff(parseArgs(DIFF_SPEC, ['--templates-dir', TEMPLATES_DIR]), { GITHUB_BASE_REF: 'main' }).mode.kind).toBe('generated');
    expect(pullRequestBase({ CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'release' })).toBe('origin/release');
  });
});

describe('--base: two versions of templates/ in git, no AWS', () => {
  let repo: string;
  let base: string;
  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-base-'));
    git(repo, 'init', '-q');
    const t = path.join(repo, 'templates');
    fs.mkdirSync(path.join(t, 'parameters', 'app', 'web'), { recursive: true });
    fs.writeFileSync(path.join(t, 'app.json'), JSON.stringify(role(['s3:GetObject'])));
    fs.writeFileSync(path.join(t, 'parameters', 'app', 'web', 'dev.json'), JSON.stringify({ Parameters: { Size: '1' } }));
    fs.writeFileSync(path.join(t, 'same.json'), JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue' } } }));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'base');
    base = git(repo, 'rev-parse', 'HEAD').trim();
    fs.writeFileSync(path.join(t, 'app.json'), JSON.stringify(role(['s3:GetObject', 's3:PutObject'])));
    fs.writeFileSync(path.join(t, 'parameters', 'app', 'web', 'dev.json'), JSON.stringify({ Parameters: { Size: '2' } }));
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  test('gitTree reads the committed files below the folder, nested ones included', () => {
    const tree = gitTree(path.join(repo, 'templates'), base);
    expect([...tree.keys()].sort()).toEqual(['app.json', 'parameters/app/web/dev.json', 'same.json']);
    expect(JSON.parse(tree.get('parameters/app/web/dev.json')!)).toEqual({ Parameters: { Size: '1' } });
  });

  test('the working tree against the ref: template and parameter changes, exit 1', async () => {
    const r = await run(['--base', base, '--templates-dir', path.join(repo, 'templates')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out).toContain('app.json');
    expect(r.out).toContain('!Sub "arn:${AWS::Partition}:s3:::b/*"');
    expect(r.out).toContain('parameters/app/web/dev.json\n  ~ parameter Size: 1 -> 2');
    expect(r.out).toContain('no changes: same.json');
  });

  test('the markdown form: a heading and one diff block per changed file', async () => {
    const r = await run(['--base', base, '--templates-dir', path.join(repo, 'templates'), '--format', 'markdown']);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^### .* at [0-9a-f]{40} -> working tree$/);
    expect(lines).toContain('**app.json**');
    expect(lines.filter((l) => l === '```diff')).toHaveLength(2);
    expect(lines[lines.length - 1]).toBe('Unchanged: same.json');
  });

  test('an unknown ref is a usage error (2) that says how to fetch it', async () => {
    const r = await run(['--base', 'origin/nope', '--templates-dir', path.join(repo, 'templates')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: git ref origin/nope does not exist here; fetch it first (git fetch origin nope)');
  });
});

describe('exit statuses', () => {
  test('2 for a usage error, 3 when the comparison fails', async () => {
    expect((await run(['--format', 'html'])).code).toBe(2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-bad-'));
    try {
      fs.writeFileSync(path.join(dir, 'network.json'), '{"Resources": ');
      const r = await run(['network', '--templates-dir', dir]);
      expect(r.code).toBe(3);
      expect(r.err).toMatch(/^error: old network\.json is not JSON/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pure parts', () => {
  test('readable prints intrinsics in their short form', () => {
    expect(readable({ Ref: 'Bucket' })).toBe('!Ref Bucket');
    expect(readable({ 'Fn::GetAtt': ['Role', 'Arn'] })).toBe('!GetAtt Role.Arn');
    expect(readable({ 'Fn::Join': ['-', [{ Ref: 'A' }, 'b']] })).toBe('!Join ["-", [!Ref A, "b"]]');
    expect(readable({ Effect: 'Allow', 'aws:x': 1 })).toBe('{Effect: "Allow", aws:x: 1}');
  });

  test('parameter files belong to their template', () => {
    expect(parameterFileTemplate('parameters/ecs-service/web/dev.json')).toBe('ecs-service');
    expect(parameterFileTemplate('parameters/github-oidc.json')).toBe('github-oidc');
    expect(parameterFileTemplate('network.json')).toBeUndefined();
  });

  test('a stack of another template is recognised', () => {
    const network = JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, 'network.json'), 'utf8'));
    const roles = JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, 'member-roles.json'), 'utf8'));
    expect(otherTemplate(network, network)).toBeUndefined();
    expect(otherTemplate({ ...network, Description: 'older words' }, network)).toBeUndefined();
    expect(otherTemplate(roles, network)).toMatch(/Description differs and it shares 0 of \d+ logical IDs/);
  });

  test('a widening analyser fills one net-effect line per changed statement', () => {
    const analyser = () => ({ widened: [{ logicalId: 'Role', sid: 'Read', actions: ['s3:PutObject'] }], narrowed: [] });
    const s = summarizeDiff(role(['s3:GetObject']), role(['s3:GetObject', 's3:PutObject']), analyser);
    expect(s.netEffect).toEqual(analyser());
    expect(formatDiff('app.json', s, painter(false))).toContain('    net effect: widened   Role Read s3:PutObject');
    const none = summarizeDiff(role(['s3:GetObject']), role(['s3:GetObject', 's3:PutObject']), () => ({ widened: [], narrowed: [] }));
    expect(formatDiff('app.json', none, painter(false))).toContain('    net effect: neither widened nor narrowed');
  });

  test("the pipeline gate's analyser gives a changed statement one net effect", () => {
    const s = summarizeDiff(role(['s3:GetObject']), role(['s3:GetObject', 's3:PutObject']), wideningAnalyser);
    expect(s.netEffect?.narrowed).toEqual([]);
    expect(s.netEffect?.widened.length).toBeGreaterThan(0);
    const text = formatDiff('app.json', s, painter(false)).join('\n');
    expect(text).toMatch(/net effect: widened {3}.*s3:PutObject/);
    expect(text).not.toContain('net effect: narrowed');
  });

  test('compareTrees names a template in neither tree', () => {
    expect(() => compareTrees(new Map(), new Map(), ['x'], recordingTerminal(), undefined, 'templates/')).toThrow('template "x" does not exist in templates/');
  });

  test('markdownReport without changes', () => {
    expect(markdownReport('t', [], ['a.json'])).toEqual(['### t', '', 'No changes.', 'Unchanged: a.json']);
  });
});
