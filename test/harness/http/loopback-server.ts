import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A node:http server bound to 127.0.0.1 on a free port. The harness never listens on other
 * interfaces: the local endpoints are for this machine's tests only.
 */
export interface LoopbackServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export async function listenOnLoopback(handler: RequestHandler): Promise<LoopbackServer> {
  const server = createServer((request, response) => {
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      // A bug in the harness must surface in the test output, not hang the SDK call.
      console.error('[local-aws] handler failed', error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  return startListening(server);
}

/** Listens on 127.0.0.1:0 and returns the address with a close() that also drops keep-alive sockets. */
export async function startListening(server: Server): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The URL is built from the address the socket really holds, so a server bound anywhere else
  // shows in every endpoint URL (and local-aws.test.ts fails).
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    port,
    close: () => closeServer(server),
  };
}

/**
 * SDK clients keep sockets alive between requests; close() alone would wait for them, so jest
 * would see open handles. Closing every connection ends them at once.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
