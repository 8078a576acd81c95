import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { SETTINGS, type Settings } from '@app/config';
import { MediaStorage } from '@app/database';
import { ApiModule } from './app.module.js';
import { createValidationPipe } from './common/validation.pipe.js';
import { mediaFiles } from './media/media-files.middleware.js';

/** Builds the HTTP app exactly as production runs it; tests use the same function. */
export async function createApi(settings?: Settings, options: { bufferLogs?: boolean } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(settings), { bufferLogs: options.bufferLogs ?? true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // Behind a load balancer, the client address (rate limits count per address) comes from X-Forwarded-For.
  if (app.get<Settings>(SETTINGS).api.trustProxyHops > 0) app.set('trust proxy', app.get<Settings>(SETTINGS).api.trustProxyHops);
  // Before Nest's own middleware (registered at init): the platforms' photo downloads skip the request pipeline.
  app.use('/api/media', mediaFiles(app.get(MediaStorage).root));
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  app.useBodyParser('json', { limit: '256kb' });
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('UMKM of The Week API')
      .setDescription('Weekly features of local businesses on Instagram, Facebook and X: registry, calendar, publishing, reach reports.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}
