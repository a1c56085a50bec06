/**
 * The parsed arguments are typed from the spec they were parsed with (scripts/lib/args.ts):
 * a flag the spec does not declare, or declares as another kind, fails `tsc`, which
 * `npm test` runs over this file (an `@ts-expect-error` whose error went away fails too).
 * At run time the values are what they were: plain records and a Set of what was given.
 */
import { ArgsWith, AWS_FLAGS, BooleanFlagOf, choiceFlag, intFlag, ListFlagOf, parseArgs, StringFlagOf, TEMPLATES_DIR_FLAG } from '../../scripts/lib/args';
import { awsOptions } from '../../scripts/lib/aws';
import { rollbackRequest } from '../../scripts/lib/rollback';
import { templatesDir } from '../../scripts/lib/templates';
import { DEPLOY_SPEC } from '../../scripts/deploy';
import { DESTROY_SPEC } from '../../scripts/destroy';
import { GENERATE_SPEC } from '../../scripts/generate';
import { STACKSETS_SPEC } from '../../scripts/stacksets';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const exactly = <A, B>(same: Equal<A, B>): Equal<A, B> => same;

describe('flags are read by the names the spec declares', () => {
  test('the names of each kind are exactly those the spec declares', () => {
    expect(exactly<StringFlagOf<typeof DESTROY_SPEC>, 'region' | 'profile' | 'endpoint-url'>(true)).toBe(true);
    expect(exactly<BooleanFlagOf<typeof DESTROY_SPEC>, 'yes' | 'allow-production' | 'allow-account-mismatch'>(true)).toBe(true);
    expect(exactly<ListFlagOf<typeof DESTROY_SPEC>, never>(true)).toBe(true);
    expect(exactly<StringFlagOf<typeof GENERATE_SPEC>, 'config' | 'out'>(true)).toBe(true);
    expect(exactly<ListFlagOf<typeof DEPLOY_SPEC>, 'tags' | 'rollback-alarms'>(true)).toBe(true);
    expect(exactly<keyof ReturnType<typeof parseArgs<typeof GENERATE_SPEC>>['strings'], 'config' | 'out'>(true)).toBe(true);
    // The shared flags keep their names in the arrays they are spread from.
    expect(exactly<StringFlagOf<{ flags: typeof AWS_FLAGS }>, 'region' | 'profile' | 'endpoint-url'>(true)).toBe(true);
    expect(exactly<(typeof TEMPLATES_DIR_FLAG)['name'], 'templates-dir'>(true)).toBe(true);
  });

  test('a misspelt flag, or one of another kind, fails to compile', () => {
    const args = parseArgs(DEPLOY_SPEC, ['member-roles', '--stack-name', 's', '--yes', '--tags', 'A=1']);
    // @ts-expect-error stack-name is misspelt
    expect(args.strings['stack-nme']).toBeUndefined();
    // @ts-expect-error templates-dir is misspelt, in dotted form too
    expect(args.strings.templatesDir).toBeUndefined();
    // @ts-expect-error yes is misspelt
    expect(args.booleans.has('yse')).toBe(false);
    // @ts-expect-error tags is a list flag, not a string flag
    expect(args.strings.tags).toBeUndefined();
    // @ts-expect-error plan is a boolean flag, not a list flag
    expect(args.lists.plan).toBeUndefined();
    // @ts-expect-error a flag of another script (stacksets' --delete) is not deploy's
    expect(args.booleans.has('delete')).toBe(false);
    // @ts-expect-error monitoring-minutes is misspelt
    expect(intFlag(args, 'monitoring-minute', 0, 180)).toBeUndefined();
    // @ts-expect-error deploy declares no --format
    expect(choiceFlag(args, 'format', ['text'] as const)).toBeUndefined();
    // What compiles: the declared names, each of its own kind.
    expect([args.strings['stack-name'], args.booleans.has('yes'), args.lists.tags]).toEqual(['s', true, ['A=1']]);
  });

  test('a shared reader takes the arguments of any spec that declares its flags', () => {
    const destroy = parseArgs(DESTROY_SPEC, ['stack', '--region', 'eu-west-1']);
    expect(awsOptions(destroy)).toEqual({ region: 'eu-west-1', profile: undefined, endpoint: undefined });
    const stacksets = parseArgs(STACKSETS_SPEC, ['member-roles', '--profile', 'p']);
    expect(awsOptions(stacksets)).toEqual({ region: undefined, profile: 'p', endpoint: undefined });
    expect(rollbackRequest(parseArgs(DEPLOY_SPEC, ['t', '--monitoring-minutes', '5']))).toEqual({ monitoringMinutes: 5 });
    const readsPlan = (args: ArgsWith<[{ name: 'yes'; kind: 'boolean'; description: '' }, { name: 'plan'; kind: 'boolean'; description: '' }]>) => args.booleans.has('plan');
    const readsTags = (args: ArgsWith<[{ name: 'tags'; kind: 'list'; description: '' }]>) => args.lists.tags;
    expect(readsPlan(parseArgs(DEPLOY_SPEC, ['t', '--plan']))).toBe(true);
    expect(readsTags(parseArgs(DEPLOY_SPEC, ['t', '--tags', 'A=1']))).toEqual(['A=1']);
    const refused = (generate: ReturnType<typeof parseArgs<typeof GENERATE_SPEC>>, withAws: ArgsWith<typeof AWS_FLAGS>) => {
      // @ts-expect-error destroy declares no --templates-dir
      templatesDir(destroy);
      // @ts-expect-error stacksets declares no rollback flags
      rollbackRequest(stacksets);
      // @ts-expect-error generate declares none of the AWS flags
      awsOptions(generate);
      // @ts-expect-error the AWS flags alone do not include --templates-dir
      templatesDir(withAws);
      // @ts-expect-error destroy declares --yes, not --plan
      readsPlan(destroy);
      // @ts-expect-error destroy declares no list flag
      readsTags(destroy);
    };
    expect(typeof refused).toBe('function');
  });
});

describe('the parsed values are what they were', () => {
  test('a record of the string and list flags given, and a Set of the booleans given', () => {
    const argv = ['member-roles', '--parameters=p.json', '--tags', 'A=1,B=2', '--tags', 'C=3', '--yes', '--region', 'eu-west-1', '--allow-account-mismatch'];
    expect(parseArgs(DEPLOY_SPEC, argv)).toStrictEqual({
      positionals: ['member-roles'],
      strings: { parameters: 'p.json', region: 'eu-west-1' },
      booleans: new Set(['yes', 'allow-account-mismatch']),
      lists: { tags: ['A=1', 'B=2', 'C=3'] },
      help: false,
    });
  });

  test('a flag not given has no entry, in any kind', () => {
    const args = parseArgs(DEPLOY_SPEC, ['member-roles']);
    expect(args).toStrictEqual({ positionals: ['member-roles'], strings: {}, booleans: new Set(), lists: {}, help: false });
    expect(Object.keys(args.strings)).toEqual([]);
    expect(args.strings['stack-name']).toBeUndefined();
    expect(args.lists['rollback-alarms']).toBeUndefined();
    expect(args.booleans.has('plan')).toBe(false);
  });

  test('--help is read the same way', () => {
    expect(parseArgs(GENERATE_SPEC, ['--out', 'x', '--help'])).toStrictEqual({ positionals: [], strings: { out: 'x' }, booleans: new Set(), lists: {}, help: true });
  });
});
