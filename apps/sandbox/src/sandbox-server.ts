import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { controlRouter } from './control/control.routes.js';
import { faultGate } from './faults/fault-injector.js';
import { graphRouter } from './graph/graph.router.js';
import { createContext, type SandboxContext, type SandboxOptions } from './sandbox.options.js';
import { xRouter } from './x/x.router.js';

export type { SandboxOptions } from './sandbox.options.js';

export interface SandboxHandle {
  /** Origin of the sandbox: Graph lives at `${url}/v25.0`, X at `${url}/2`, control at `${url}/__sandbox`. */
  readonly url: string;
  /** Stops listening and drops open (keep-alive) connections. */
  close(): Promise<void>;
  /** For tests that need to look at or age the in-memory state directly. */
  readonly context: SandboxContext;
}

/** Builds the express app: control API, then the fault seam, then Graph (`/v*.*`) and X (`/2`). */
export function createSandboxApp(ctx: SandboxContext, log?: (line: string) => void): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (log) app.use(requestLog(log));
  app.use(express.json({ limit: '2mb' }));
  app.use(express.urlencoded({ extended: false, limit: '2mb' }));
  app.use('/__sandbox', controlRouter(ctx));
  app.use(faultGate(ctx.faults));
  app.use(graphRouter(ctx));
  app.use('/2', xRouter(ctx));
  app.use((_req, res) => {
    res.status(404).json({ error: 'Not a path the sandbox emulates' });
  });
  const lastResort: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    const status = typeof error === 'object' && error !== null && typeof Reflect.get(error, 'status') === 'number' ? Number(Reflect.get(error, 'status')) : 500;
    if (status >= 500) log?.(`sandbox error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    res.status(status).json({ error: status >= 500 ? 'Sandbox internal error' : 'Malformed request' });
  };
  app.use(lastResort);
  return app;
}

export async function startSandbox(options: SandboxOptions): Promise<SandboxHandle> {
  const context = createContext(options);
  const server = createServer(createSandboxApp(context, options.log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === undefined || options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    context,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Method, path (never the query: Graph tokens may travel there), status and duration. */
function requestLog(log: (line: string) => void): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${req.method} ${req.originalUrl.split('?')[0]} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    next();
  };
}
