import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { Settings } from '@app/config';
import { WorkerModule } from './worker.module.js';

/** The worker process without HTTP; tests start it the same way. */
export async function createWorker(settings?: Settings): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(settings), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  return app;
}
