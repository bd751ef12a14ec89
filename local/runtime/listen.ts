import type { Server } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** Raised for a problem the person starting the stack can fix; printed as one line. */
export class LocalStackError extends Error {
  override name = 'LocalStackError';
}

/**
 * Binds a server to loopback. A port in use becomes a one-line error that names the
 * variable to change. Port 0 picks a free port (tests use it).
 */
export function listenOnLoopback(
  server: Server,
  port: number,
  service: string,
  variable: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(new LocalStackError(`Port ${port} (${service}) is in use: set ${variable} to a free port`));
      } else if (error.code === 'EACCES') {
        reject(
          new LocalStackError(
            `Port ${port} (${service}) is not allowed here: set ${variable} to a port above 1024`,
          ),
        );
      } else {
        reject(error);
      }
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, LOOPBACK);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}
