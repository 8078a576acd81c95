export * from './platform-client.js';
export * from './platform.errors.js';
export * from './platform-client.registry.js';
export * from './platforms.module.js';
export { InstagramClient } from './instagram/instagram.client.js';
export { FacebookClient } from './facebook/facebook.client.js';
export { XClient } from './x/x.client.js';
export { type PlatformOperation, SLOW_WRITE_MS } from './network-failure.mapper.js';
