/**
 * An in-memory registry (one account in one region) implementing both ports the use cases need.
 * Tests arrange repositories, make chosen repositories or calls fail with chosen errors, let
 * "someone else" change a policy between the janitor's two reads, and inspect every write.
 */
import type { ImageDetail } from '../../../src/domain/image';
import type { RepositoryRef, Tag } from '../../../src/domain/registry';
import type { ManifestText, PolicyWriter, RegistryReader } from '../../../src/ports/registry';

/** The calls of both ports, by name. */
export type Operation = 'listRepositories' | 'getLifecyclePolicy' | 'listTags' | 'describeImages' | 'getManifests' | 'putLifecyclePolicy';

/** A repository as a test arranges it. */
export interface FakeRepository {
  name: string;
  /** The stored lifecycle policy text; absent when the repository has none. */
  policy?: string;
  /** @default [] */
  tags?: Tag[];
  /** Images with their manifest text; describeImages strips it, getManifests serves it. @default [] */
  images?: ImageDetail[];
  createdAt?: string;
}

/** One recorded PutLifecyclePolicy. */
export interface PolicyWrite {
  region: string;
  repositoryName: string;
  policyText: string;
}

/** One recorded call. */
export interface RecordedCall {
  operation: Operation;
  repositoryName?: string;
}

/** An error shaped like an AWS SDK service exception: its `name` is the error code. */
export function awsError(name: string, message = `${name} raised by the fake registry`): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

interface Failure {
  repositoryName: string | undefined;
  operation: Operation | undefined;
  error: Error;
}

interface PendingChange {
  afterReads: number;
  policy: string | undefined;
}

/** How an arranged write failure ends: refused (nothing stored) or landed (stored, then the error). */
interface WriteFailure {
  error: Error;
  landed: boolean;
}

/** The default account of fake registries. */
export const FAKE_ACCOUNT = '111122223333';

/**
 * A RegistryReader + PolicyWriter over in-memory repositories.
 *
 * @example
 * const registry = new FakeRegistry('eu-west-1', [{ name: 'app', images: [imageOf(m)] }]);
 * registry.failRepository('app', awsError('AccessDeniedException'));
 */
export class FakeRegistry implements RegistryReader, PolicyWriter {
  /** Every PutLifecyclePolicy, in order. */
  readonly writes: PolicyWrite[] = [];
  /** Every call, in order. */
  readonly calls: RecordedCall[] = [];
  private readonly repositories = new Map<string, FakeRepository>();
  private readonly policies = new Map<string, string>();
  private readonly failures: Failure[] = [];
  private readonly pendingChanges = new Map<string, PendingChange>();
  private readonly policyReads = new Map<string, number>();
  private readonly writeFailures = new Map<string, WriteFailure[]>();
  private readonly everyRead = new Map<string, () => string | undefined>();
  private readonly afterWrite = new Map<string, string | undefined>();
  /** How many times acquireWriteSlot was called. */
  writeSlots = 0;

  constructor(
    readonly region: string,
    repositories: readonly FakeRepository[] = [],
    readonly accountId: string = FAKE_ACCOUNT,
  ) {
    for (const r of repositories) this.addRepository(r);
  }

  /** Adds (or replaces) a repository. */
  addRepository(repository: FakeRepository): void {
    this.repositories.set(repository.name, repository);
    if (repository.policy === undefined) this.policies.delete(repository.name);
    else this.policies.set(repository.name, repository.policy);
  }

  /** Removes a repository, as a concurrent `DeleteRepository` would. */
  deleteRepository(name: string): void {
    this.repositories.delete(name);
    this.policies.delete(name);
  }

  /** The policy text stored now, or undefined. */
  policyOf(name: string): string | undefined {
    return this.policies.get(name);
  }

  /** Makes every call about `repositoryName` (or only `operation` on it) throw `error`. */
  failRepository(repositoryName: string, error: Error, operation?: Operation): void {
    this.failures.push({ repositoryName, operation, error });
  }

  /** Makes `listRepositories` throw `error`, as a region whose listing fails. */
  failListing(error: Error): void {
    this.failures.push({ repositoryName: undefined, operation: 'listRepositories', error });
  }

  /**
   * Replaces the repository's policy right after its `afterReads`-th read returned, as another
   * writer (a person, Terraform) would between the janitor's read and its write.
   */
  changePolicyAfterRead(repositoryName: string, policy: string | undefined, afterReads = 1): void {
    this.pendingChanges.set(repositoryName, { afterReads, policy });
  }

  /**
   * Makes the next writes to the repository fail, one arranged failure per write, in order: `landed`
   * ones store the policy before throwing (a 5xx after the request was applied), others store nothing.
   */
  failNextWrites(repositoryName: string, ...failures: WriteFailure[]): void {
    this.writeFailures.set(repositoryName, [...(this.writeFailures.get(repositoryName) ?? []), ...failures]);
  }

  /** After every read of the repository's policy, stores `next()` — a policy that never stops changing. */
  changePolicyOnEveryRead(repositoryName: string, next: () => string | undefined): void {
    this.everyRead.set(repositoryName, next);
  }

  /** Right after the janitor's next write lands, another writer replaces the policy with `policy`. */
  replaceAfterNextWrite(repositoryName: string, policy: string | undefined): void {
    this.afterWrite.set(repositoryName, policy);
  }

  async acquireWriteSlot(): Promise<void> {
    this.writeSlots++;
  }

  /** The calls of one operation, optionally about one repository. */
  callsOf(operation: Operation, repositoryName?: string): RecordedCall[] {
    return this.calls.filter((c) => c.operation === operation && (repositoryName === undefined || c.repositoryName === repositoryName));
  }

  async listRepositories(): Promise<RepositoryRef[]> {
    this.enter('listRepositories', undefined);
    return [...this.repositories.values()].map((r) => ({
      accountId: this.accountId,
      region: this.region,
      repositoryName: r.name,
      repositoryArn: `arn:aws:ecr:${this.region}:${this.accountId}:repository/${r.name}`,
      ...(r.createdAt === undefined ? {} : { createdAt: r.createdAt }),
    }));
  }

  async getLifecyclePolicy(repositoryName: string): Promise<string | undefined> {
    this.enter('getLifecyclePolicy', repositoryName);
    const text = this.policies.get(repositoryName);
    const reads = (this.policyReads.get(repositoryName) ?? 0) + 1;
    this.policyReads.set(repositoryName, reads);
    const change = this.pendingChanges.get(repositoryName);
    if (change && change.afterReads === reads) {
      this.pendingChanges.delete(repositoryName);
      this.store(repositoryName, change.policy);
    }
    const next = this.everyRead.get(repositoryName);
    if (next) this.store(repositoryName, next());
    return text;
  }

  async listTags(ref: RepositoryRef): Promise<Tag[]> {
    const repository = this.enter('listTags', ref.repositoryName);
    return (repository.tags ?? []).map((t) => ({ ...t }));
  }

  async describeImages(repositoryName: string): Promise<ImageDetail[]> {
    const repository = this.enter('describeImages', repositoryName);
    return (repository.images ?? []).map(({ imageManifest: _manifest, ...image }) => ({ ...image }));
  }

  async getManifests(repositoryName: string, imageDigests: readonly string[]): Promise<ManifestText[]> {
    const repository = this.enter('getManifests', repositoryName);
    const wanted = new Set(imageDigests);
    const out: ManifestText[] = [];
    for (const image of repository.images ?? []) {
      if (image.imageManifest === undefined || !wanted.has(image.imageDigest)) continue;
      out.push({
        imageDigest: image.imageDigest,
        imageManifest: image.imageManifest,
        ...(image.imageManifestMediaType === undefined ? {} : { imageManifestMediaType: image.imageManifestMediaType }),
      });
    }
    return out;
  }

  async putLifecyclePolicy(repositoryName: string, policyText: string): Promise<void> {
    this.enter('putLifecyclePolicy', repositoryName);
    const failure = this.writeFailures.get(repositoryName)?.shift();
    if (failure && !failure.landed) throw failure.error;
    this.policies.set(repositoryName, policyText);
    this.writes.push({ region: this.region, repositoryName, policyText });
    if (this.afterWrite.has(repositoryName)) {
      this.store(repositoryName, this.afterWrite.get(repositoryName));
      this.afterWrite.delete(repositoryName);
    }
    if (failure) throw failure.error;
  }

  private store(repositoryName: string, policy: string | undefined): void {
    if (policy === undefined) this.policies.delete(repositoryName);
    else this.policies.set(repositoryName, policy);
  }

  /** Records the call, throws an arranged failure, and returns the repository (throwing as ECR when it is gone). */
  private enter(operation: Operation, repositoryName: string | undefined): FakeRepository {
    this.calls.push({ operation, ...(repositoryName === undefined ? {} : { repositoryName }) });
    const failure = this.failures.find(
      (f) => f.repositoryName === repositoryName && (f.operation === undefined || f.operation === operation),
    );
    if (failure) throw failure.error;
    if (repositoryName === undefined) return { name: '' };
    const repository = this.repositories.get(repositoryName);
    if (!repository) {
      throw awsError(
        'RepositoryNotFoundException',
        `The repository with name '${repositoryName}' does not exist in the registry with id '${this.accountId}'`,
      );
    }
    return repository;
  }
}

/**
 * A handler's `registry(region)` over one fake registry: the registry in its own region, an error in
 * any other (so a test sees a handler act in the wrong region).
 *
 * @example makeHandler({ config, registry: onlyIn(registry) })
 */
export function onlyIn(registry: FakeRegistry): (region: string) => FakeRegistry {
  return (region) => {
    if (region !== registry.region) throw new Error(`no registry for ${region}`);
    return registry;
  };
}
