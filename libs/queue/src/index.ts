export * from './jobs.js';
export * from './job-producer.js';
export * from './queue.module.js';
export * from './redis-connection.js';
export * from './redis-health.js';
