import fc from 'fast-check';
import { ECR_HOST_SUFFIXES, ecrRegistryOf, parseImageReference, type ImageReference } from '../../../src/domain/image-reference';

// Invariants of the reference parser over generated references: every ECR host form (IPv4, FIPS,
// dual-stack, every partition's suffix, with or without a port, any case) names its account and
// region; a reference is taken apart into the parts it was built from; any text either parses or
// does not, without throwing; and what parses, written back, parses to the same parts.

const lower = 'abcdefghijklmnopqrstuvwxyz';
const alnum = `${lower}0123456789`;
const word = (chars: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: max }).map((c) => c.join(''));

const accountArb = word('0123456789', 12, 12);
const regionArb = fc
  .tuple(word(lower, 2, 2), fc.array(word(lower, 1, 6), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 9 }))
  .map(([area, parts, n]) => [area, ...parts, String(n)].join('-'));
const portArb = fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined });

/** An ECR registry host in any of its forms, with the account and region it names. */
const ecrHostArb = fc
  .record({
    account: accountArb,
    region: regionArb,
    dualStack: fc.boolean(),
    fips: fc.boolean(),
    ipv4Suffix: fc.constantFrom(...ECR_HOST_SUFFIXES.ipv4),
    dualStackSuffix: fc.constantFrom(...ECR_HOST_SUFFIXES.dualStack),
    port: portArb,
    upper: fc.boolean(),
  })
  .map((h) => {
    const service = h.dualStack ? `dkr-ecr${h.fips ? '-fips' : ''}` : `dkr.ecr${h.fips ? '-fips' : ''}`;
    const host = `${h.account}.${service}.${h.region}.${h.dualStack ? h.dualStackSuffix : h.ipv4Suffix}${h.port === undefined ? '' : `:${h.port}`}`;
    return { host: h.upper ? host.toUpperCase() : host, account: h.account, region: h.region };
  });

/** A repository path as ECR allows it: lower-case components joined by `/`, separators inside. */
const componentArb = fc
  .tuple(word(alnum, 1, 8), fc.array(fc.tuple(fc.constantFrom('.', '_', '__', '-', '--'), word(alnum, 1, 6)), { maxLength: 2 }))
  .map(([head, rest]) => head + rest.map(([sep, part]) => sep + part).join(''));
const repositoryArb = fc.array(componentArb, { minLength: 1, maxLength: 3 }).map((c) => c.join('/'));
const tagArb = fc.tuple(fc.constantFrom(...`${alnum}ABCZ_`), word(`${alnum}ABCZ_.-`, 0, 20)).map(([first, rest]) => first + rest);
const digestArb = word('0123456789abcdef', 64, 64).map((hex) => `sha256:${hex}`);

function write(reference: ImageReference): string {
  return `${reference.registry === undefined ? '' : `${reference.registry}/`}${reference.repository}${reference.tag === undefined ? '' : `:${reference.tag}`}${reference.digest === undefined ? '' : `@${reference.digest}`}`;
}

describe('image-reference (properties)', () => {
  it('reads the account and region of every ECR host form, with or without a port, in any case', () => {
    fc.assert(
      fc.property(ecrHostArb, ({ host, account, region }) => {
        expect(ecrRegistryOf(host)).toEqual({ accountId: account, region });
      }),
    );
  });

  it('takes an ECR reference apart into the registry, repository, tag and digest it was written with', () => {
    fc.assert(
      fc.property(
        ecrHostArb,
        repositoryArb,
        fc.option(tagArb, { nil: undefined }),
        fc.option(digestArb, { nil: undefined }),
        fc.boolean(),
        ({ host, account, region }, repository, tag, digest, pullable) => {
          const reference: ImageReference = {
            registry: host,
            repository,
            ...(tag === undefined ? {} : { tag }),
            ...(digest === undefined ? {} : { digest }),
          };
          const parsed = parseImageReference(`${pullable ? 'docker-pullable://' : ''}${write(reference)}`);
          expect(parsed).toEqual(reference);
          expect(ecrRegistryOf(parsed?.registry)).toEqual({ accountId: account, region });
        },
      ),
    );
  });

  it('never names an ECR registry for a host with something appended, or an account of another length', () => {
    fc.assert(
      fc.property(ecrHostArb, word(`${lower}.`, 0, 12), fc.integer({ min: 1, max: 20 }), ({ host, account }, tail, digits) => {
        // No partition's suffix goes on with "example-": whatever follows, the host is someone else's.
        expect(ecrRegistryOf(`${host}.example-${tail}`)).toBeUndefined();
        fc.pre(digits !== 12);
        expect(ecrRegistryOf(host.replace(account, '7'.repeat(digits)))).toBeUndefined();
      }),
    );
  });

  it('parses any text without throwing, and what it parses reads back the same once written', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'grapheme-ascii' }),
          ecrHostArb.map((h) => `${h.host}/x:y`),
        ),
        (text) => {
          const parsed = parseImageReference(text);
          if (parsed !== undefined) expect(parseImageReference(write(parsed))).toEqual(parsed);
        },
      ),
      { numRuns: 500 },
    );
  });
});
