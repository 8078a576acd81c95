import { Injectable } from '@nestjs/common';
import type { Platform } from '@app/config';
import { AuditRepository, PlatformAccountRepository, type PlatformAccountEntity } from '@app/database';
import type { Actor } from '../actor.js';

/** Admins connect the office's accounts; tokens are encrypted by the repository and never returned. */
@Injectable()
export class PlatformAccountService {
  constructor(
    private readonly accounts: PlatformAccountRepository,
    private readonly audit: AuditRepository,
  ) {}

  async connect(actor: Actor | null, input: { platform: Platform; externalId: string; displayName: string; accessToken: string; tokenExpiresAt?: Date | null }): Promise<PlatformAccountEntity> {
    const account = await this.accounts.upsert({ ...input, tokenExpiresAt: input.tokenExpiresAt ?? null });
    await this.audit.record({
      actorUserId: actor?.userId ?? null,
      action: 'platform_account.connected',
      entityType: 'platform_account',
      entityId: account.id,
      after: { platform: account.platform, externalId: account.externalId },
    });
    return account;
  }

  list(): Promise<PlatformAccountEntity[]> {
    return this.accounts.list();
  }
}
