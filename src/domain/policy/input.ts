import { InvalidInputError } from '../errors';

/** Where a pasted policy text was found, in the words the CLI reports on stderr. */
export interface PolicyInput {
  /** The lifecycle policy text itself: what ECR would be sent and validates (length included). */
  text: string;
  /** The wrappers taken off, outermost first; empty for a bare policy. */
  via: string[];
}

/** A byte-order mark that editors on Windows put at the start of UTF-8 files. */
const BOM = '\uFEFF';

/** The most wrappers taken off one input (a string holding CLI output holding the policy is two). */
const MAX_WRAPPERS = 4;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Names the AWS CLI shape around a `lifecyclePolicyText` by its other fields. The shapes are the
 * ECR API's: GetLifecyclePolicy and DeleteLifecyclePolicy answer with `lastEvaluatedAt`,
 * GetLifecyclePolicyPreview with the preview, StartLifecyclePolicyPreview with `status`, and
 * PutLifecyclePolicy and StartLifecyclePolicyPreview take `registryId`, `repositoryName` and the text.
 */
function cliShapeOf(doc: Record<string, unknown>): string {
  if ('lastEvaluatedAt' in doc) return 'the "lifecyclePolicyText" of "aws ecr get-lifecycle-policy" output';
  if ('previewResults' in doc || 'summary' in doc) return 'the "lifecyclePolicyText" of "aws ecr get-lifecycle-policy-preview" output';
  if ('status' in doc) return 'the "lifecyclePolicyText" of "aws ecr start-lifecycle-policy-preview" output';
  return 'the "lifecyclePolicyText" of a put-lifecycle-policy / start-lifecycle-policy-preview --cli-input-json document';
}

/**
 * Finds the lifecycle policy in what people paste: the bare policy (`{"rules":[…]}`), the AWS CLI's
 * `get-lifecycle-policy` output or a `put-lifecycle-policy` / `start-lifecycle-policy-preview`
 * `--cli-input-json` document (the policy is their `lifecyclePolicyText` string), a CloudFormation
 * `LifecyclePolicy` property (`LifecyclePolicyText`), or a JSON-encoded string holding any of these
 * (Terraform state, a CloudFormation value). A leading UTF-8 byte-order mark is ignored. Anything
 * else is returned as it is, for the validator to say what is wrong with it.
 *
 * @throws InvalidInputError when `lifecyclePolicyText` is there but is not a string
 * @example unwrapPolicyText(cliOutput) // { text: '{"rules":[…]}', via: ['the "lifecyclePolicyText" of …'] }
 */
export function unwrapPolicyText(input: string): PolicyInput {
  let text = input.startsWith(BOM) ? input.slice(BOM.length) : input;
  const via: string[] = [];
  while (via.length < MAX_WRAPPERS) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      break;
    }
    if (typeof doc === 'string') {
      via.push('a JSON-encoded string');
      text = doc;
      continue;
    }
    if (!isObject(doc) || 'rules' in doc) break;
    const field = 'lifecyclePolicyText' in doc ? 'lifecyclePolicyText' : 'LifecyclePolicyText' in doc ? 'LifecyclePolicyText' : undefined;
    if (field === undefined) break;
    const value = doc[field];
    if (typeof value !== 'string') {
      throw new InvalidInputError(
        `"${field}" must be a string holding the policy JSON, as the AWS CLI and CloudFormation write it, got ${Array.isArray(value) ? 'a list' : typeof value}; pass the policy itself ({"rules":[…]}) or the "${field}" as a string`,
      );
    }
    via.push(field === 'lifecyclePolicyText' ? cliShapeOf(doc) : 'the "LifecyclePolicyText" of a CloudFormation LifecyclePolicy property');
    text = value;
  }
  return { text, via };
}
