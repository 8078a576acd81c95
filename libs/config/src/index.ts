export * from './settings.js';
export * from './load-settings.js';
export * from './settings.module.js';
export * from './clock.js';
export * from './rubrics.js';
export * from './vocabulary.js';
export * from './startup.js';
export * from './logger-options.js';
