import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../../../../src/domain/errors';
import { parsePolicy, unwrapPolicyText } from '../../../../src/domain/policy';

const FIXTURES = join(__dirname, '../../../fixtures/policy/aws-cli');

/** A fixture file's text, exactly as the AWS CLI or the template holds it. */
function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** The policy every fixture holds, as ECR stores it (the `lifecyclePolicyText` of the CLI output). */
const POLICY_TEXT = (JSON.parse(fixture('get-lifecycle-policy.json')) as { lifecyclePolicyText: string }).lifecyclePolicyText;

describe('policy input', () => {
  describe('unwrapPolicyText', () => {
    it.each([
      [
        'aws ecr get-lifecycle-policy output',
        'get-lifecycle-policy.json',
        ['the "lifecyclePolicyText" of "aws ecr get-lifecycle-policy" output'],
      ],
      [
        'a put-lifecycle-policy --cli-input-json document',
        'put-lifecycle-policy.cli-input.json',
        ['the "lifecyclePolicyText" of a put-lifecycle-policy / start-lifecycle-policy-preview --cli-input-json document'],
      ],
      [
        'a start-lifecycle-policy-preview --cli-input-json document',
        'start-lifecycle-policy-preview.cli-input.json',
        ['the "lifecyclePolicyText" of a put-lifecycle-policy / start-lifecycle-policy-preview --cli-input-json document'],
      ],
      [
        'a CloudFormation LifecyclePolicy property',
        'cloudformation-lifecycle-policy.json',
        ['the "LifecyclePolicyText" of a CloudFormation LifecyclePolicy property'],
      ],
      ['a JSON-encoded string (Terraform state)', 'json-encoded-string.json', ['a JSON-encoded string']],
    ])('finds the policy text itself in %s and names the shape', (_name, file, via) => {
      // Act
      const input = unwrapPolicyText(fixture(file));

      // Assert
      expect(input).toEqual({ text: POLICY_TEXT, via });
      expect(parsePolicy(input.text).ok).toBe(true);
    });

    it('returns a bare policy as it is, with no shape to report', () => {
      // Arrange
      const text = `${JSON.stringify(JSON.parse(POLICY_TEXT), null, 2)}\n`;

      // Act / Assert
      expect(unwrapPolicyText(text)).toEqual({ text, via: [] });
    });

    it('ignores a UTF-8 byte-order mark, before a bare policy and before CLI output', () => {
      // Act
      const bare = unwrapPolicyText(`\uFEFF${POLICY_TEXT}`);
      const wrapped = unwrapPolicyText(`\uFEFF${fixture('get-lifecycle-policy.json')}`);

      // Assert
      expect(bare).toEqual({ text: POLICY_TEXT, via: [] });
      expect(wrapped.text).toBe(POLICY_TEXT);
    });

    it('takes off a JSON-encoded string holding CLI output, naming both wrappers outermost first', () => {
      // Arrange
      const text = JSON.stringify(fixture('get-lifecycle-policy.json'));

      // Act
      const input = unwrapPolicyText(text);

      // Assert
      expect(input).toEqual({
        text: POLICY_TEXT,
        via: ['a JSON-encoded string', 'the "lifecyclePolicyText" of "aws ecr get-lifecycle-policy" output'],
      });
    });

    it.each([
      [
        'get-lifecycle-policy-preview output',
        { lifecyclePolicyText: 'x', status: 'COMPLETE', previewResults: [] },
        'get-lifecycle-policy-preview',
      ],
      [
        'start-lifecycle-policy-preview output',
        { registryId: '1', lifecyclePolicyText: 'x', status: 'IN_PROGRESS' },
        'start-lifecycle-policy-preview" output',
      ],
    ])('names %s by its other fields', (_name, doc, shape) => {
      // Act
      const input = unwrapPolicyText(JSON.stringify(doc));

      // Assert
      expect(input.text).toBe('x');
      expect(input.via[0]).toContain(shape);
    });

    it.each([
      ['text that is not JSON', 'rules: []'],
      ['an object without rules or a policy text', '{"policy": {"rules": []}}'],
      ['a JSON array', '[1, 2]'],
      ['a policy with an extra lifecyclePolicyText field', '{"rules": [], "lifecyclePolicyText": "{}"}'],
    ])('leaves %s to the validator, as it is', (_name, text) => {
      // Act / Assert
      expect(unwrapPolicyText(text)).toEqual({ text, via: [] });
    });

    it('says what is wrong when lifecyclePolicyText is an object instead of a string', () => {
      // Arrange
      const text = JSON.stringify({ repositoryName: 'web', lifecyclePolicyText: JSON.parse(POLICY_TEXT) as unknown });

      // Act / Assert
      expect(() => unwrapPolicyText(text)).toThrow(InvalidInputError);
      expect(() => unwrapPolicyText(text)).toThrow(/"lifecyclePolicyText" must be a string holding the policy JSON.*got object/);
    });

    it('stops after a few wrappers instead of unwrapping forever', () => {
      // Arrange: a string encoded ten times over
      let text = POLICY_TEXT;
      for (let i = 0; i < 10; i++) text = JSON.stringify(text);

      // Act
      const input = unwrapPolicyText(text);

      // Assert
      expect(input.via).toHaveLength(4);
      expect(parsePolicy(input.text).ok).toBe(false);
    });
  });
});
