// Small ECR endpoints on 127.0.0.1 for the tests that need a real socket (timeouts, signals): a
// server that accepts connections and never answers, and one that answers ECR's JSON protocol
// slowly. Everything else goes to moto or to SDK-level fakes.
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';

/** A running local server: its endpoint URL, and how to stop it. */
export interface LocalServer {
  endpoint: string;
  /** Requests (or connections, for the silent server) received so far. */
  readonly received: number;
  close(): Promise<void>;
}

function listen(server: ReturnType<typeof createTcpServer> | ReturnType<typeof createHttpServer>): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address !== null && typeof address === 'object') resolve(`http://127.0.0.1:${address.port}`);
      else reject(new Error(`unexpected server address ${String(address)}`));
    });
  });
}

/** Starts `server` on 127.0.0.1: `received` counts its requests, `release` drops what it holds open before it closes. */
async function started(
  server: ReturnType<typeof createTcpServer> | ReturnType<typeof createHttpServer>,
  received: () => number,
  release: () => void,
): Promise<LocalServer> {
  const endpoint = await listen(server);
  return {
    endpoint,
    get received() {
      return received();
    },
    close: () =>
      new Promise((resolve) => {
        release();
        server.close(() => resolve());
      }),
  };
}

/**
 * A server that accepts every connection and never answers: what a hung endpoint (or a black-holed
 * proxy) looks like to the SDK.
 *
 * @example const silent = await silentServer(); …; await silent.close();
 */
export async function silentServer(): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  let received = 0;
  const server = createTcpServer((socket) => {
    received++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume(); // read and drop the request, answer nothing
  });
  return started(
    server,
    () => received,
    () => {
      for (const socket of sockets) socket.destroy();
    },
  );
}

/** How the slow ECR server answers. */
export interface SlowEcrOptions {
  /** Repository names DescribeRepositories lists (at once). */
  repositories: readonly string[];
  /** How long every other call waits before its answer (ms). */
  delayMs: number;
}

/**
 * A fake ECR endpoint speaking the JSON protocol: lists `repositories` at once, then answers every
 * other call after `delayMs` as for an empty repository without a policy.
 */
export async function slowEcrServer(options: SlowEcrOptions): Promise<LocalServer> {
  let received = 0;
  const timers = new Set<NodeJS.Timeout>();
  const answer = (res: ServerResponse, status: number, body: object): void => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${received}` });
    res.end(JSON.stringify(body));
  };
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    received++;
    req.resume();
    const operation = String(req.headers['x-amz-target'] ?? '')
      .split('.')
      .pop();
    if (operation === 'DescribeRepositories') {
      answer(res, 200, {
        repositories: options.repositories.map((name) => ({
          repositoryName: name,
          repositoryArn: `arn:aws:ecr:us-east-1:123456789012:repository/${name}`,
          registryId: '123456789012',
        })),
      });
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (operation === 'GetLifecyclePolicy') answer(res, 400, { __type: 'LifecyclePolicyNotFoundException', message: 'none' });
      else if (operation === 'DescribeImages') answer(res, 200, { imageDetails: [] });
      else if (operation === 'ListTagsForResource') answer(res, 200, { tags: [] });
      else answer(res, 200, {});
    }, options.delayMs);
    timers.add(timer);
  });
  return started(
    server,
    () => received,
    () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
    },
  );
}

/** A request as the fault proxy sees it, to decide whether to fail it. */
export interface ProxiedRequest {
  method: string;
  /** The path and query, as sent (S3 path-style: `/bucket/key`). */
  url: string;
}

/**
 * A proxy in front of an endpoint (moto) that passes every request through, except those `fail`
 * picks, which it answers with a 500 and an S3/ECR-shaped error: a 5xx injected where the test wants it.
 *
 * @example const proxy = await faultProxy(motoEndpoint(), (r) => r.method === 'PUT' && r.url.includes('/shards/'));
 */
export async function faultProxy(target: string, fail: (request: ProxiedRequest) => boolean): Promise<LocalServer & { failed: number }> {
  let received = 0;
  let failed = 0;
  const upstream = new URL(target);
  const server = createHttpServer((request: IncomingMessage, response: ServerResponse) => {
    received++;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      if (fail({ method: request.method ?? 'GET', url: request.url ?? '/' })) {
        failed++;
        response.writeHead(500, { 'content-type': 'application/xml' });
        response.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected by the test proxy</Message></Error>',
        );
        return;
      }
      const headers = { ...request.headers, host: upstream.host };
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forward.on('error', (error) => {
        response.writeHead(502);
        response.end(String(error));
      });
      forward.end(body);
    });
  });
  const endpoint = await listen(server);
  return {
    endpoint,
    get received() {
      return received;
    },
    get failed() {
      return failed;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
