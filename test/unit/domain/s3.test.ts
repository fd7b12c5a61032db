import { S3_BUCKET_NAME } from '../../../src/domain/s3';

describe('S3_BUCKET_NAME', () => {
  it.each(['abc', 'ops-lists', 'my.bucket-1', 'a'.repeat(63), '0bucket9'])('accepts %s', (name) => {
    expect(S3_BUCKET_NAME.test(name)).toBe(true);
  });

  it.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(64)],
    ['upper case', 'Ops-Lists'],
    ['a leading hyphen', '-ops'],
    ['a trailing dot', 'ops.'],
    ['an underscore', 'ops_lists'],
    ['a slash', 'ops/lists'],
    ['empty', ''],
  ])('refuses a name with %s', (_why, name) => {
    expect(S3_BUCKET_NAME.test(name)).toBe(false);
  });
});
