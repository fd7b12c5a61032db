import {
  DescribeRegistryCommand,
  DescribeRepositoryCreationTemplatesCommand,
  ECRClient,
  UpdateRepositoryCreationTemplateCommand,
  paginateDescribePullThroughCacheRules,
  paginateDescribeRepositoryCreationTemplates,
  type RepositoryCreationTemplate,
} from '@aws-sdk/client-ecr';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import type { CreationTemplate, PullThroughCacheRule, ReplicationRule } from '../../domain/creation-templates';
import { PolicyWriteError, errorCode } from '../../domain/errors';
import type { CreationTemplateWriter, RegistrySettingsReader } from '../../ports/registry-settings';
import { baseClientConfig, type EcrClientOptions } from './clients';
import { classifyWriteError } from './ecr';

/** The largest page `DescribeRepositoryCreationTemplates` and `DescribePullThroughCacheRules` accept. */
const SETTINGS_PAGE_SIZE = 1000;
/** The longest wait between two attempts after throttling. */
const MAX_RETRY_DELAY_MS = 20_000;

/**
 * A retry strategy that retries throttling only, with full-jitter exponential backoff, up to
 * `maxAttempts` attempts in all. Server errors are not retried: a registry setting that cannot be read
 * is reported and the run goes on (an emulator without these APIs, such as moto, answers 500 to each,
 * and costs one call rather than a minute of retries).
 *
 * @example new ECRClient({ ...baseClientConfig(options), retryStrategy: throttlingRetries(8) })
 */
export function throttlingRetries(maxAttempts: number, random: () => number = Math.random): RetryStrategyV2 {
  const token = (count: number, delay: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => delay });
  return {
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (previous: RetryToken, info: RetryErrorInfo) => {
      const count = previous.getRetryCount() + 1;
      if (info.errorType !== 'THROTTLING' || count >= maxAttempts) throw new Error('not retried');
      return token(count, Math.floor(random() * Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** count)));
    },
    recordSuccess: () => undefined,
  };
}

/**
 * One region's registry settings over the ECR API, with the run's timeouts and endpoint and every call
 * counted: reads retry throttling up to `maxAttempts` (see {@link throttlingRetries}); the template
 * write is one attempt, since a retried update would resend a text merged from an earlier read.
 *
 * @example const settings = createRegistrySettings({ region: 'eu-west-1', counter });
 */
export function createRegistrySettings(options: EcrClientOptions): EcrRegistrySettings {
  const config = baseClientConfig(options);
  const client = new ECRClient({ ...config, retryStrategy: throttlingRetries(config.maxAttempts) });
  const writeClient = new ECRClient({ ...config, retryStrategy: throttlingRetries(1) });
  options.counter?.attach(client);
  options.counter?.attach(writeClient);
  return new EcrRegistrySettings({ client, writeClient, region: options.region });
}

/** Copies a template into the domain shape. */
function toTemplate(sdk: RepositoryCreationTemplate & { prefix: string }): CreationTemplate {
  return {
    prefix: sdk.prefix,
    appliedFor: [...(sdk.appliedFor ?? [])],
    ...(sdk.lifecyclePolicy === undefined ? {} : { lifecyclePolicy: sdk.lifecyclePolicy }),
  };
}

/**
 * One region's registry settings over the ECR API: creation templates, pull-through-cache rules and
 * the replication configuration, every list read to its last page; and a template's lifecycle policy
 * written back with every other setting of the template as it was read just before.
 */
export class EcrRegistrySettings implements RegistrySettingsReader, CreationTemplateWriter {
  readonly region: string;
  private readonly client: ECRClient;
  private readonly writeClient: ECRClient;

  /** `writeClient` (one attempt) sends the update. @default `client` */
  constructor(options: { client: ECRClient; writeClient?: ECRClient; region: string }) {
    this.client = options.client;
    this.writeClient = options.writeClient ?? options.client;
    this.region = options.region;
  }

  async creationTemplates(): Promise<CreationTemplate[]> {
    const templates: CreationTemplate[] = [];
    for await (const page of paginateDescribeRepositoryCreationTemplates({ client: this.client, pageSize: SETTINGS_PAGE_SIZE }, {})) {
      for (const template of page.repositoryCreationTemplates ?? []) {
        if (template.prefix !== undefined) templates.push(toTemplate({ ...template, prefix: template.prefix }));
      }
    }
    return templates;
  }

  async pullThroughCacheRules(): Promise<PullThroughCacheRule[]> {
    const rules: PullThroughCacheRule[] = [];
    for await (const page of paginateDescribePullThroughCacheRules({ client: this.client, pageSize: SETTINGS_PAGE_SIZE }, {})) {
      for (const rule of page.pullThroughCacheRules ?? []) {
        if (rule.ecrRepositoryPrefix === undefined) continue;
        rules.push({
          ecrRepositoryPrefix: rule.ecrRepositoryPrefix,
          ...(rule.upstreamRegistryUrl === undefined ? {} : { upstreamRegistryUrl: rule.upstreamRegistryUrl }),
        });
      }
    }
    return rules;
  }

  async replication(): Promise<{ accountId: string; rules: ReplicationRule[] }> {
    const out = await this.client.send(new DescribeRegistryCommand({}));
    const rules = (out.replicationConfiguration?.rules ?? []).map((rule): ReplicationRule => ({
      destinations: (rule.destinations ?? []).flatMap((d) =>
        d.region === undefined || d.registryId === undefined ? [] : [{ region: d.region, registryId: d.registryId }],
      ),
      repositoryFilters: (rule.repositoryFilters ?? []).flatMap((f) =>
        f.filter === undefined ? [] : [{ filter: f.filter, filterType: f.filterType ?? 'PREFIX_MATCH' }],
      ),
    }));
    return { accountId: out.registryId ?? '', rules };
  }

  async putCreationTemplateLifecyclePolicy(prefix: string, lifecyclePolicy: string): Promise<void> {
    // Every setting goes back as it is now, so that the update changes the lifecycle policy alone
    // whether the API keeps or resets the fields a request leaves out.
    const read = await this.client.send(new DescribeRepositoryCreationTemplatesCommand({ prefixes: [prefix] }));
    const current = read.repositoryCreationTemplates?.find((t) => t.prefix === prefix);
    if (current === undefined) {
      throw new PolicyWriteError(`the creation template ${prefix} is gone: nothing was written`, 'rejected', 'TemplateNotFoundException');
    }
    const { createdAt: _created, updatedAt: _updated, ...settings } = current;
    try {
      await this.writeClient.send(new UpdateRepositoryCreationTemplateCommand({ ...settings, prefix, lifecyclePolicy }));
    } catch (error) {
      const code = errorCode(error);
      const message = error instanceof Error ? error.message : String(error);
      throw new PolicyWriteError(
        `UpdateRepositoryCreationTemplate on ${prefix} failed (${code}): ${message}`,
        classifyWriteError(error),
        code,
        { cause: error },
      );
    }
  }
}
