import { type CanActivate, type ExecutionContext, HttpException, HttpStatus, Injectable, Logger, type OnModuleDestroy, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Redis } from 'ioredis';
import { InjectSettings, type Settings } from '@app/config';

const RATE_LIMIT = 'rateLimit';
export type RateLimitName = 'login' | 'register';
const WINDOW_SECONDS = 60;

/** Limits a public route per client address; the limit per minute comes from settings (THROTTLE_*). */
export const RateLimit = (name: RateLimitName): MethodDecorator => SetMetadata(RATE_LIMIT, name);

/**
 * Fixed one-minute windows counted in Redis, so every API replica shares one count per client address.
 * (@nestjs/throttler 6 is CommonJS and requires the ESM-only Nest 12 packages, which Jest cannot load on Node 20;
 * its Redis store also pins Nest <= 11.) If Redis is unreachable the request is let through and a warning logged:
 * the rest of the API needs Redis anyway, and locking everyone out of login would not help.
 */
@Injectable()
export class RateLimitGuard implements CanActivate, OnModuleDestroy {
  private readonly logger = new Logger(RateLimitGuard.name);
  private readonly redis: Redis;

  constructor(
    private readonly reflector: Reflector,
    @InjectSettings() private readonly settings: Settings,
  ) {
    this.redis = new Redis(settings.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', () => undefined);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const name = this.reflector.get<RateLimitName | undefined>(RATE_LIMIT, context.getHandler());
    if (!name) return true;
    const limit = name === 'login' ? this.settings.throttle.loginPerMinute : this.settings.throttle.registerPerMinute;
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const nowSeconds = Math.floor(Date.now() / 1000);
    const window = Math.floor(nowSeconds / WINDOW_SECONDS);
    const key = `${this.settings.redis.queuePrefix}:rate:${name}:${request.ip ?? 'unknown'}:${window}`;
    let hits: number;
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      const [[, count]] = (await this.redis.multi().incr(key).expire(key, WINDOW_SECONDS * 2).exec()) as [[Error | null, number]];
      hits = count;
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'rate limit not checked: Redis unavailable');
      return true;
    }
    if (hits <= limit) return true;
    const retryAfter = (window + 1) * WINDOW_SECONDS - nowSeconds;
    http.getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new HttpException({ code: 'too_many_requests', message: `Too many attempts; try again in ${retryAfter} s` }, HttpStatus.TOO_MANY_REQUESTS);
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
