// A small, realistic ECR account for trying the CLI against the emulator (`npm run emulator`) and for
// the integration test that audits it: four repositories in one region with tagged releases sharing
// base layers, untagged leftovers, a multi-arch index, a signature, and the three policy situations
// the janitor tells apart (none, one that never removes untagged images, one that does), plus a
// repository that opted out.
//
// moto's quirks (see the toolchain notes) shape it: untagged images are pushed untagged (moto deletes
// an image that loses its last tag), every push passes its true digest, and push times are moto's
// clock (they cannot be backdated), so the policies act only when the audit looks ahead with --now.
import type { ECRClient } from '@aws-sdk/client-ecr';
import {
  MediaTypes,
  blobDigest,
  createRepository,
  imageManifest,
  pushImage,
  pushIndex,
  pushUntaggedImage,
  randomDigest,
  sha256Digest,
  type ImageManifest,
} from './seed';

/** The region the demo account lives in. */
export const DEMO_REGION = 'us-east-1';

/** The tag key that opts a repository out (the janitor's default). */
const OPT_OUT_TAG = 'ecr-janitor:opt-out';

/** One seeded repository, as the emulator describes it. */
export interface DemoRepository {
  repositoryName: string;
  /** One line on what it holds and why it is there. */
  about: string;
  images: number;
}

/** Keeps twenty releases and expires untagged images 14 days after push: the janitor leaves it as it is. */
const WEB_POLICY = {
  rules: [
    {
      rulePriority: 1,
      description: 'keep the last 20 releases',
      selection: { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 20 },
      action: { type: 'expire' },
    },
    {
      rulePriority: 2,
      description: 'expire untagged images 14 days after push',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
  ],
};

/** Keeps five releases and selects no untagged image: it exists, and never cleans the leftovers. */
const ETL_POLICY = {
  rules: [
    {
      rulePriority: 1,
      description: 'keep the last 5 releases',
      selection: { tagStatus: 'tagged', tagPrefixList: ['release-'], countType: 'imageCountMoreThan', countNumber: 5 },
      action: { type: 'expire' },
    },
  ],
};

/** Layers shared by images of one repository (ECR stores them once per repository). */
const DEBIAN_BASE = { size: 29_000_000, digest: blobDigest('demo/debian-12-slim') };
const NODE_RUNTIME = { size: 48_000_000, digest: blobDigest('demo/node-22-runtime') };
const PYTHON_RUNTIME = { size: 52_000_000, digest: blobDigest('demo/python-3.12') };

/** A cosign-style signature of `subject`: an OCI referrer, pushed untagged as `cosign sign` does with the referrers API. */
function signatureOf(subject: { digest: string; mediaType: string; manifestSize: number }): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
    config: { mediaType: MediaTypes.ociEmpty, digest: sha256Digest('{}'), size: 2 },
    layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: randomDigest(), size: 242 }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.manifestSize },
  };
}

/**
 * Seeds the demo account into the emulator `client` talks to (in {@link DEMO_REGION}) and returns
 * what it seeded. Expects an empty emulator: a repository that exists already makes it fail.
 *
 * @example const repositories = await seedDemoAccount(new ECRClient({ endpoint, region: DEMO_REGION, … }));
 */
export async function seedDemoAccount(client: ECRClient): Promise<DemoRepository[]> {
  const app = (runtime: typeof NODE_RUNTIME, code: number, format: 'docker' | 'oci' = 'oci'): ImageManifest =>
    imageManifest({ format, config: 6_500, layers: [DEBIAN_BASE, runtime, code] });

  // shop/web: a policy that already expires untagged images; two releases and two leftover builds.
  await createRepository(client, 'shop/web', { tags: { team: 'shop' }, policyText: WEB_POLICY });
  await pushImage(client, 'shop/web', { manifest: app(NODE_RUNTIME, 3_000_000), tag: 'v1.4.0' });
  await pushImage(client, 'shop/web', { manifest: app(NODE_RUNTIME, 3_200_000), tag: 'v1.5.0' });
  await pushUntaggedImage(client, 'shop/web', app(NODE_RUNTIME, 3_100_000));
  await pushUntaggedImage(client, 'shop/web', app(NODE_RUNTIME, 3_300_000));

  // shop/api: no policy; a signed multi-arch release, an older single-arch one, a leftover build.
  await createRepository(client, 'shop/api', { tags: { team: 'shop' } });
  const { index } = await pushIndex(client, 'shop/api', {
    tag: 'v2.3.0',
    children: [
      { manifest: app(NODE_RUNTIME, 5_000_000), platform: { architecture: 'amd64', os: 'linux' } },
      { manifest: app(NODE_RUNTIME, 4_800_000), platform: { architecture: 'arm64', os: 'linux' } },
    ],
  });
  await pushUntaggedImage(client, 'shop/api', signatureOf(index));
  await pushImage(client, 'shop/api', { manifest: app(NODE_RUNTIME, 4_500_000, 'docker'), tag: 'v2.2.0' });
  await pushUntaggedImage(client, 'shop/api', app(NODE_RUNTIME, 4_900_000));

  // data/etl: a policy for its releases only, so its untagged leftovers pile up.
  await createRepository(client, 'data/etl', { tags: { team: 'data' }, policyText: ETL_POLICY });
  await pushImage(client, 'data/etl', { manifest: app(PYTHON_RUNTIME, 12_000_000), tag: 'release-41' });
  await pushImage(client, 'data/etl', { manifest: app(PYTHON_RUNTIME, 12_500_000), tag: 'release-42' });
  for (const code of [11_800_000, 12_100_000, 12_300_000]) await pushUntaggedImage(client, 'data/etl', app(PYTHON_RUNTIME, code));

  // sandbox/scratch: opted out; audited and reported, never changed.
  await createRepository(client, 'sandbox/scratch', { tags: { team: 'platform', [OPT_OUT_TAG]: 'true' } });
  await pushImage(client, 'sandbox/scratch', { manifest: app(NODE_RUNTIME, 1_000_000), tag: 'try' });
  await pushUntaggedImage(client, 'sandbox/scratch', app(NODE_RUNTIME, 1_100_000));

  return [
    { repositoryName: 'shop/web', about: 'a policy that expires untagged images after 14 days; 2 releases, 2 untagged', images: 4 },
    {
      repositoryName: 'shop/api',
      about: 'no lifecycle policy; a multi-arch index (amd64, arm64) with a signature, 1 older release, 1 untagged',
      images: 6,
    },
    { repositoryName: 'data/etl', about: 'a policy that never removes untagged images; 2 releases, 3 untagged', images: 5 },
    { repositoryName: 'sandbox/scratch', about: `opted out (tag ${OPT_OUT_TAG}=true); 1 release, 1 untagged`, images: 2 },
  ];
}
