import type { Params } from 'nestjs-pino';
import type { Settings } from './settings.js';

/** Structured JSON logs; credentials never reach them. */
export function loggerOptions(settings: Settings, app: string): Params {
  return {
    pinoHttp: {
      level: settings.logLevel,
      base: { app },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.accessToken', '*.refreshToken', '*.clientSecret', '*.password', '*.token'], censor: '[redacted]' },
      autoLogging: { ignore: (req) => req.url === '/api/health' },
    },
  };
}
