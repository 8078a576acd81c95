import { DynamicModule, Global, Inject, Module } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Environment, loadSettings } from './load-settings.js';
import { loadMetricNames } from './metric-names.js';
import type { Settings } from './settings.js';

export const SETTINGS = Symbol('SETTINGS');
export const InjectSettings = (): ParameterDecorator => Inject(SETTINGS);
/** The platform metric names of METRIC_NAMES_FILE, read once: what the collection requests and the reports name. */
export const METRIC_NAMES = Symbol('METRIC_NAMES');
export const InjectMetricNames = (): ParameterDecorator => Inject(METRIC_NAMES);

/** `config/.env` (gitignored) is read once; real environment variables win over it. */
export const ENV_FILE = resolve('config/.env');

let envFileLoaded = false;

/** The process environment plus config/.env. The only place that reads process.env. */
export function readEnvironment(overrides: Environment = {}): Environment {
  if (!envFileLoaded && existsSync(ENV_FILE)) {
    process.loadEnvFile(ENV_FILE);
    envFileLoaded = true;
  }
  return { ...process.env, ...overrides };
}

@Global()
@Module({})
export class SettingsModule {
  /** Pass ready settings (tests) or let them be read from the environment. */
  static forRoot(settings?: Settings): DynamicModule {
    return {
      module: SettingsModule,
      providers: [
        { provide: SETTINGS, useFactory: () => settings ?? loadSettings(readEnvironment()) },
        { provide: METRIC_NAMES, inject: [SETTINGS], useFactory: (s: Settings) => loadMetricNames(s.metrics.namesFile) },
      ],
      exports: [SETTINGS, METRIC_NAMES],
    };
  }
}
