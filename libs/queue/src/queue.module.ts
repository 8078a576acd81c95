import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { SETTINGS, type Settings } from '@app/config';
import { JobProducer } from './job-producer.js';
import { ALL_QUEUES } from './jobs.js';
import { RedisProbe } from './redis-health.js';

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [SETTINGS],
      useFactory: (settings: Settings) => ({
        // BullMQ opens (and closes) its own connections; workers need maxRetriesPerRequest: null.
        connection: { url: settings.redis.url, maxRetriesPerRequest: null },
        prefix: settings.redis.queuePrefix,
      }),
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
  ],
  providers: [JobProducer, RedisProbe],
  exports: [JobProducer, RedisProbe, BullModule],
})
export class QueueModule {}
