/** How {@link ObjectStore.list} narrows a listing. */
export interface ListOptions {
  /** Only keys that sort after this one (byte order). @default every key under the prefix */
  startAfter?: string;
}

/**
 * The weekly run's working objects (the plan, the shards' results, the manifest cache) in a bucket:
 * whole objects by key. An S3 bucket when deployed, memory in tests and benchmarks.
 */
export interface ObjectStore {
  /** The object's text, or undefined when there is none. */
  get(key: string): Promise<string | undefined>;
  /** Writes an object whole, replacing any earlier one. */
  put(key: string, body: string, contentType: string): Promise<void>;
  /**
   * The keys under `prefix`, every page read, in key order; with `startAfter`, only the keys that sort
   * after it (S3's `StartAfter`: a listing of keys named by time skips the older ones unread).
   */
  list(prefix: string, options?: ListOptions): Promise<string[]>;
}
