import { REGION_NAME } from './region';

/** A container image reference, `[registry/]repository[:tag][@sha256:…]`, taken apart. */
export interface ImageReference {
  /** The registry host (and port), when the reference names one. */
  registry?: string;
  repository: string;
  tag?: string;
  /** `sha256:` and 64 hex digits, when the reference pins a digest. */
  digest?: string;
}

/** An Amazon ECR registry: one account in one region. */
export interface EcrRegistryId {
  accountId: string;
  region: string;
}

/** A sha256 image digest as ECR and every OCI registry write it. */
export const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** What `kubectl get pods -o jsonpath='{..imageID}'` puts before a Docker-runtime image id. */
const PULLABLE_PREFIX = /^docker-pullable:\/\//;

/** A repository path: lowercase components separated by `/`, each made of alphanumerics and `.`, `_`, `-` runs. */
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/**
 * The DNS suffixes of ECR's private registry hosts in every partition, after the region:
 * `ACCOUNT.dkr.ecr[-fips].REGION.SUFFIX` for IPv4 endpoints and `ACCOUNT.dkr-ecr[-fips].REGION.SUFFIX`
 * for dual-stack (IPv4 and IPv6) ones, as the ECS agent and the Kubernetes ECR credential provider
 * recognise them.
 */
export const ECR_HOST_SUFFIXES = {
  ipv4: ['amazonaws.com', 'amazonaws.com.cn', 'amazonaws.eu', 'c2s.ic.gov', 'sc2s.sgov.gov', 'csp.hci.ic.gov', 'cloud.adc-e.uk'],
  dualStack: [
    'on.aws',
    'on.amazonwebservices.com.cn',
    'on.amazonwebservices.eu',
    'amazonwebservices.eu',
    'on.aws.ic.gov',
    'on.aws.scloud',
    'on.aws.hci.ic.gov',
    'on.cloud-aws.adc-e.uk',
  ],
} as const;

const escaped = (suffixes: readonly string[]): string => suffixes.map((s) => s.replaceAll('.', '\\.')).join('|');
/** A region name inside a larger pattern: {@link REGION_NAME} without its anchors and without capturing. */
const REGION = REGION_NAME.source.slice(1, -1).replace(/\((?!\?)/g, '(?:');

/**
 * An ECR registry host, with an optional port (`…amazonaws.com:443`): the account, then the region of
 * an IPv4 or of a dual-stack host.
 */
const ECR_HOST = new RegExp(
  `^(\\d{12})\\.(?:dkr\\.ecr(?:-fips)?\\.(${REGION})\\.(?:${escaped(ECR_HOST_SUFFIXES.ipv4)})` +
    `|dkr-ecr(?:-fips)?\\.(${REGION})\\.(?:${escaped(ECR_HOST_SUFFIXES.dualStack)}))(?::\\d{1,5})?$`,
);

/**
 * Parses an image reference as Docker, ECS, Lambda and Kubernetes write it. A leading
 * `docker-pullable://` is dropped; the first path component is a registry host when it holds a `.`
 * or a `:` or is `localhost`. Returns undefined for text that is not a reference.
 *
 * @example parseImageReference('123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2@sha256:ab…')
 * // { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', repository: 'web', tag: '1.2', digest: 'sha256:ab…' }
 */
export function parseImageReference(text: string): ImageReference | undefined {
  let rest = text.trim().replace(PULLABLE_PREFIX, '');
  if (rest === '' || /\s/.test(rest)) return undefined;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!SHA256_DIGEST.test(digest)) return undefined;
  }
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon !== -1 && colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  if (!REPOSITORY.test(rest)) return undefined;
  return {
    repository: rest,
    ...(registry === undefined ? {} : { registry }),
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/**
 * The ECR registry (account and region) a registry host belongs to, or undefined for any other
 * registry (Docker Hub, ECR Public, a mirror). IPv4, FIPS and dual-stack hosts of every partition
 * count, with or without a port; the host is compared without regard to case.
 *
 * @example ecrRegistryOf('123456789012.dkr.ecr.eu-west-1.amazonaws.com') // { accountId: '123456789012', region: 'eu-west-1' }
 * @example ecrRegistryOf('123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn:443') // { accountId: '123456789012', region: 'cn-north-1' }
 */
export function ecrRegistryOf(host: string | undefined): EcrRegistryId | undefined {
  if (host === undefined) return undefined;
  const match = ECR_HOST.exec(host.toLowerCase());
  if (!match) return undefined;
  return { accountId: match[1] as string, region: (match[2] ?? match[3]) as string };
}
