import { InvalidInputError } from '../domain/errors';
import type { RepositoryState } from '../domain/registry';
import type { RegistryReader, RepositoryLookup } from '../ports/registry';
import { readRepositoryState } from './read-repository';

/**
 * Reads one repository, named by the user, whole: its policy, tags, every image (status ANY) and
 * their manifests.
 *
 * @throws InvalidInputError when the registry has no repository of that name
 * @example const state = await readRepositoryByName(registry, 'team-a/web');
 */
export async function readRepositoryByName(reader: RegistryReader & RepositoryLookup, repositoryName: string): Promise<RepositoryState> {
  const ref = await reader.getRepository(repositoryName);
  if (ref === undefined) {
    throw new InvalidInputError(`repository "${repositoryName}" does not exist in ${reader.region}; check the name and --region`);
  }
  return readRepositoryState(reader, ref);
}
