import type { ListOptions, ObjectStore } from '../../ports/object-store';
import type { EventPublisher, ReportStore } from '../../ports/report';

/**
 * A bucket in memory: the weekly run's objects and the report artifacts, for local runs without a
 * bucket, benchmarks and tests. Every put is kept with its content type.
 *
 * @example const store = new MemoryObjectStore(); await store.put('runs/1/plan.json', '{}', 'application/json');
 */
export class MemoryObjectStore implements ObjectStore, ReportStore {
  readonly location: string;
  readonly objects = new Map<string, { body: string; contentType: string }>();
  /** Puts and gets, for tests and benchmarks that count them. */
  readonly counts = { get: 0, put: 0, list: 0 };

  constructor(name = 'memory') {
    this.location = `memory://${name}`;
  }

  async get(key: string): Promise<string | undefined> {
    this.counts.get++;
    return this.objects.get(key)?.body;
  }

  async put(key: string, body: string, contentType: string): Promise<void> {
    this.counts.put++;
    this.objects.set(key, { body, contentType });
  }

  async list(prefix: string, options: ListOptions = {}): Promise<string[]> {
    this.counts.list++;
    const { startAfter } = options;
    // S3 orders keys by their UTF-8 bytes (JavaScript's < compares UTF-16 code units; they differ past U+FFFF).
    const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
    return [...this.objects.keys()]
      .filter((key) => key.startsWith(prefix) && (startAfter === undefined || byBytes(key, startAfter) > 0))
      .sort(byBytes);
  }

  linkTo(key: string): string {
    return `${this.location}/${key}`;
  }
}

/** Keeps every published event in memory. */
export class MemoryEventPublisher implements EventPublisher {
  readonly events: Array<{ source: string; detailType: string; detail: object }> = [];

  async publish(event: { source: string; detailType: string; detail: object }): Promise<void> {
    this.events.push(event);
  }
}
