import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { PortUnavailableError, assertMoto, assertPortFree, startMotoServer } from '../../../../scripts/emulator/moto-server';

/** Listens on a free 127.0.0.1 port; returns the server and its port. */
function listening<T extends Server | HttpServer>(server: T): Promise<{ server: T; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address !== null && typeof address === 'object') resolve({ server, port: address.port });
      else reject(new Error('no port'));
    });
  });
}

function closed(server: Server | HttpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('emulator moto-server', () => {
  describe('assertPortFree', () => {
    it('says the port is in use, and how to pick another, when another program holds it', async () => {
      const { server, port } = await listening(createServer());
      try {
        await expect(assertPortFree(port)).rejects.toThrow(
          new RegExp(
            `^port ${port} on 127\\.0\\.0\\.1 is in use by another program: stop it, or pass another port \\(npm run emulator -- --port ${port + 1}; 0 for any free port\\)$`,
          ),
        );
        await expect(assertPortFree(port)).rejects.toBeInstanceOf(PortUnavailableError);
      } finally {
        await closed(server);
      }
    });

    it('leaves a free port free', async () => {
      const { server, port } = await listening(createServer());
      await closed(server);

      await expect(assertPortFree(port)).resolves.toBeUndefined();
      // The check let go of it: another server can take it.
      const again = createServer();
      await new Promise<void>((resolve, reject) => {
        again.once('error', reject);
        again.listen(port, '127.0.0.1', () => resolve());
      });
      await closed(again);
    });
  });

  describe('assertMoto', () => {
    it.each([
      ['a web page', 200, '<html>hello</html>'],
      ['an error', 404, 'not found'],
      ['a JSON list', 200, '[]'],
    ])('refuses a server that answers %s, naming the port as in use', async (_, status, body) => {
      const { server, port } = await listening(
        createHttpServer((_req, res) => {
          res.writeHead(status);
          res.end(body);
        }),
      );
      try {
        await expect(assertMoto(`http://127.0.0.1:${port}`)).rejects.toThrow(
          `something other than moto answers at http://127.0.0.1:${port}`,
        );
      } finally {
        await closed(server);
      }
    });

    it("accepts moto's state API", async () => {
      const { server, port } = await listening(
        createHttpServer((req, res) => {
          res.writeHead(req.url === '/moto-api/data.json' ? 200 : 404);
          res.end(req.url === '/moto-api/data.json' ? '{"ecr":{}}' : '');
        }),
      );
      try {
        await expect(assertMoto(`http://127.0.0.1:${port}`)).resolves.toBeUndefined();
      } finally {
        await closed(server);
      }
    });
  });

  describe('startMotoServer', () => {
    it('says the port is in use before it starts anything, instead of talking to the other program', async () => {
      const { server, port } = await listening(
        createHttpServer((_req, res) => {
          res.writeHead(200);
          res.end('<html>another app</html>');
        }),
      );
      try {
        // No Python is started: the port is checked first.
        await expect(startMotoServer('/nonexistent/python', port)).rejects.toThrow(
          `port ${port} on 127.0.0.1 is in use by another program`,
        );
      } finally {
        await closed(server);
      }
    });
  });
});
