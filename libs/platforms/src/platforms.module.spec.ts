import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { loadSettings, SettingsModule } from '@app/config';
import { PlatformsModule } from './platforms.module.js';
import { PlatformClientRegistry } from './platform-client.registry.js';

describe('PlatformsModule', () => {
  it('gives one client per platform through the registry', async () => {
    const settings = loadSettings({ JWT_SECRET: 'x'.repeat(40), TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') });
    const moduleRef = await Test.createTestingModule({ imports: [SettingsModule.forRoot(settings), PlatformsModule] }).compile();
    const registry = moduleRef.get(PlatformClientRegistry);
    expect(registry.get('instagram').platform).toBe('instagram');
    expect(registry.get('facebook').platform).toBe('facebook');
    expect(registry.get('x').platform).toBe('x');
    expect(registry.all()).toHaveLength(3);
    await moduleRef.close();
  });
});
