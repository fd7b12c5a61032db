// A fault-injecting HTTP proxy in front of the moto server, for the write-race harness: it throttles
// a share of PutLifecyclePolicy calls with a real ThrottlingException answer, drops the answer of a
// share after forwarding the request, and holds a share to forward it late, after the client gave
// up. Every other call passes through. It measures, per repository, the time between the answer to
// a GetLifecyclePolicy and the PutLifecyclePolicy that follows it (the janitor's re-read → write window).
import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Ledger } from './ledger';

/** Shares (0 to 1) of PutLifecyclePolicy calls each fault hits; at most one fault per call. */
export interface Faults {
  /** Answered `ThrottlingException` (HTTP 400), not forwarded. */
  throttle: number;
  /** Forwarded (the write lands), then the connection is closed without an answer. */
  drop: number;
  /** Held `holdMs`, then forwarded (the write lands late, after the client timed out). */
  hold: number;
  /** How long a held request waits, ms. */
  holdMs: number;
}

/** No faults. */
export const NO_FAULTS: Faults = { throttle: 0, drop: 0, hold: 0, holdMs: 0 };

/** What the proxy saw of one PutLifecyclePolicy. */
export interface PutSeen {
  repositoryName: string;
  /** When the proxy received it (performance.now ms). */
  receivedAt: number;
  fault: 'none' | 'throttle' | 'drop' | 'hold';
}

const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Sends the request on to moto; resolves with its answer, read whole. */
function forward(
  target: URL,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host };
    const out = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const answer: Record<string, string> = {};
        for (const [key, value] of Object.entries(res.headers)) if (typeof value === 'string') answer[key] = value;
        resolve({ status: res.statusCode ?? 502, headers: answer, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

/**
 * The proxy. `label` names whose calls go through it (the remediation run, or the repair); landed
 * janitor writes are recorded in the ledger under that label, serialised with the team's writes
 * on the same repository, so the ledger's order is the order the writes landed in.
 *
 * @example const proxy = new FaultProxy(motoEndpoint, ledger, 'run', { throttle: 0.5, drop: 0, hold: 0, holdMs: 0 }); const endpoint = await proxy.start();
 */
export class FaultProxy {
  /** Re-read → write windows, ms, one per PutLifecyclePolicy that followed a GetLifecyclePolicy of its repository. */
  readonly windows: number[] = [];
  /** Every PutLifecyclePolicy received, in order. */
  readonly puts: PutSeen[] = [];
  private readonly target: URL;
  private readonly lastRead = new Map<string, number>();
  private server: Server | undefined;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    target: string,
    private readonly ledger: Ledger,
    private readonly label: 'run' | 'repair',
    private readonly faults: Faults,
    private readonly random: () => number,
    private readonly onLanded: (repositoryName: string, policyText: string) => void,
  ) {
    this.target = new URL(target);
  }

  /** Listens on 127.0.0.1 at a free port; returns its endpoint. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const work = this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(502).end();
      });
      this.pending.add(work);
      void work.finally(() => this.pending.delete(work));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Waits for held requests to land, then closes. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Requests in hand (held ones included). */
  get inFlight(): number {
    return this.pending.size;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const operation = String(req.headers['x-amz-target'] ?? '').replace(TARGET_PREFIX, '');
    const input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as { repositoryName?: string; lifecyclePolicyText?: string }) : {};
    const repositoryName = input.repositoryName ?? '';
    if (operation !== 'PutLifecyclePolicy') {
      const answer = await forward(this.target, req, body);
      res.writeHead(answer.status, answer.headers).end(answer.body);
      if (operation === 'GetLifecyclePolicy') this.lastRead.set(repositoryName, performance.now());
      else this.lastRead.delete(repositoryName);
      return;
    }
    const receivedAt = performance.now();
    const readAt = this.lastRead.get(repositoryName);
    this.lastRead.delete(repositoryName);
    if (readAt !== undefined) this.windows.push(receivedAt - readAt);
    const roll = this.random();
    const { throttle, drop, hold } = this.faults;
    const fault = roll < throttle ? 'throttle' : roll < throttle + drop ? 'drop' : roll < throttle + drop + hold ? 'hold' : 'none';
    this.puts.push({ repositoryName, receivedAt, fault });
    if (fault === 'throttle') {
      res
        .writeHead(400, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': randomUUID(),
          'x-amzn-errortype': 'ThrottlingException',
        })
        .end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
      return;
    }
    if (fault === 'hold') await new Promise((resolve) => setTimeout(resolve, this.faults.holdMs));
    const text = input.lifecyclePolicyText ?? '';
    const answer = await this.ledger.write(repositoryName, this.label, text, async () => {
      const forwarded = await forward(this.target, req, body);
      return { landed: forwarded.status === 200, value: forwarded };
    });
    if (answer.status === 200) this.onLanded(repositoryName, text);
    if (fault === 'drop' || res.destroyed || req.socket.destroyed) {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, answer.headers).end(answer.body);
  }
}
