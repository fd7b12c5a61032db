import type { CreationTemplate, PullThroughCacheRule, ReplicationRule } from '../domain/creation-templates';

/** Reads what one region's registry says about the repositories ECR creates itself. */
export interface RegistrySettingsReader {
  /** The region this reader reads. */
  readonly region: string;
  /** Every repository creation template of the registry (every page). */
  creationTemplates(): Promise<CreationTemplate[]>;
  /** Every pull-through-cache rule of the registry (every page). */
  pullThroughCacheRules(): Promise<PullThroughCacheRule[]>;
  /** The registry's account and its rules as a replication source. */
  replication(): Promise<{ accountId: string; rules: ReplicationRule[] }>;
}

/** Writes a creation template's lifecycle policy: the only write the janitor makes to a template. */
export interface CreationTemplateWriter {
  /** The region this writer writes to. */
  readonly region: string;
  /**
   * Replaces the lifecycle policy of the template with `prefix`, in one attempt, writing every other
   * setting back as it is (its `appliedFor` included: a template never gains a scenario). Throws
   * `PolicyWriteError` saying whether the write was refused or may have landed.
   */
  putCreationTemplateLifecyclePolicy(prefix: string, lifecyclePolicy: string): Promise<void>;
}
