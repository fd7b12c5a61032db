// Shared by the emulator's seeding (scripts/emulator/seed.ts, which the integration tests use too), the
// benchmarks' simulated registry, the demo snapshot and the unit tests' manifest texts
// (test/unit/support/manifests.ts): written out here rather than taken
// from src, so the fixtures stay independent of the code they test.

/** The media types ECR recognises for manifests, indexes and their blobs, and those of signature and attestation artifacts, by the names tests use. */
export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  inToto: 'application/vnd.in-toto+json',
  cosignSignature: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  cosignSimpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  spdx: 'application/spdx+json',
} as const;
