import { Injectable, Logger } from '@nestjs/common';
import axios from 'axios';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { Clock, InjectSettings, PLATFORMS, RUBRICS, type Platform, type Settings } from '@app/config';
import { BusinessRepository, PlatformAccountRepository } from '@app/database';
import { PlatformAccountService } from '../accounts/platform-account.service.js';
import { AuthService } from '../auth/auth.service.js';
import { CalendarService } from '../calendar/calendar.service.js';
import { BusinessPhotosService } from '../registry/business-photos.service.js';
import { BusinessReviewService } from '../registry/business-review.service.js';
import { BusinessService } from '../registry/business.service.js';
import { DEMO_BUSINESSES } from './demo-data.js';
import { isoWeekOf } from '../time/iso-week.js';

const DEMO_ACCOUNTS: Record<Platform, { externalId: string; displayName: string }> = {
  instagram: { externalId: '17841400000000001', displayName: 'pemkotmalang (demo)' },
  facebook: { externalId: '100000000000001', displayName: 'Pemerintah Kota Malang (demo)' },
  x: { externalId: '1500000000000000001', displayName: 'PemkotMalang (demo)' },
};

/**
 * Loads a small demo on an empty database and keeps the sandbox aware of the demo accounts (its state is in
 * memory, so every start registers them again). Never runs unless DEMO is on.
 */
@Injectable()
export class DemoSeederService {
  private readonly logger = new Logger(DemoSeederService.name);

  constructor(
    @InjectSettings() private readonly settings: Settings,
    private readonly auth: AuthService,
    private readonly businessService: BusinessService,
    private readonly photos: BusinessPhotosService,
    private readonly review: BusinessReviewService,
    private readonly businesses: BusinessRepository,
    private readonly accountService: PlatformAccountService,
    private readonly accounts: PlatformAccountRepository,
    private readonly calendar: CalendarService,
    private readonly clock: Clock,
  ) {}

  async run(): Promise<void> {
    if (!this.settings.demo.enabled) return;
    const { total } = await this.businesses.list({}, 1, 0);
    if (total === 0) await this.seed();
    await this.registerAccountsWithSandbox();
  }

  private async seed(): Promise<void> {
    this.logger.log('empty database: loading the demo');
    for (const platform of PLATFORMS) {
      await this.accountService.connect(null, { platform, ...DEMO_ACCOUNTS[platform], accessToken: `demo-${platform}-${randomBytes(24).toString('hex')}` });
    }
    // Demo people get random passwords nobody knows; admins can create real users through the API.
    const owner = await this.auth.createUser('pemilik@demo.local', randomBytes(18).toString('base64url'), 'owner');
    const staff = await this.auth.createUser('staf@demo.local', randomBytes(18).toString('base64url'), 'staff');
    const staffActor = { userId: staff!.id, role: 'staff' as const };
    const ownerActor = { userId: owner!.id, role: 'owner' as const };
    const { version: consentVersion } = this.businessService.consentText();
    for (const demo of DEMO_BUSINESSES) {
      const { color, ...profile } = demo;
      const business = await this.businessService.create(ownerActor, { ...profile, consentVersion });
      await this.photos.add(ownerActor, business.id, await demoPhoto(demo.name, color));
      await this.review.approve(staffActor, business.id);
    }
    // One feature a minute from now so a newcomer sees it publish; next week planned for every rubric.
    const now = this.clock.now();
    const first = await this.calendar.planWeek('umkm', isoWeekOf(now));
    await this.calendar.confirm(null, first.id, new Date(now.getTime() + 60_000));
    for (const rubric of RUBRICS) await this.calendar.planWeek(rubric).catch((e: Error) => this.logger.warn(`demo: ${e.message}`));
    this.logger.log({ firstFeature: first.id }, 'demo loaded: the first feature publishes in about one minute');
  }

  private async registerAccountsWithSandbox(): Promise<void> {
    const demoIds = new Set(Object.values(DEMO_ACCOUNTS).map((a) => a.externalId));
    for (const listed of await this.accounts.list()) {
      if (!demoIds.has(listed.externalId)) continue;
      let { account, accessToken } = (await this.accounts.findWithToken(listed.id))!;
      if (account.status !== 'active') {
        // A demo account we can no longer use (e.g. config/.env was made anew): connect it again with a fresh token.
        accessToken = `demo-${account.platform}-${randomBytes(24).toString('hex')}`;
        account = await this.accountService.connect(null, { platform: account.platform, externalId: account.externalId, displayName: account.displayName, accessToken });
      }
      const body = { platform: account.platform, id: account.externalId, token: accessToken, username: account.displayName };
      await withRetry(() => axios.post(`${this.settings.demo.sandboxControlUrl}/__sandbox/accounts`, body, { timeout: 5_000 }));
    }
  }
}

async function withRetry<T>(call: () => Promise<T>, attempts = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (error) {
      if (i >= attempts) throw error;
      await sleep(500);
    }
  }
}

/** A simple, recognisable poster so the demo's posts have a real JPEG to carry. */
async function demoPhoto(name: string, color: string): Promise<Buffer> {
  const escaped = name.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1350">
    <rect width="100%" height="100%" fill="${color}"/>
    <text x="540" y="640" font-family="sans-serif" font-size="64" fill="#fff" text-anchor="middle">${escaped}</text>
    <text x="540" y="740" font-family="sans-serif" font-size="40" fill="#fff" text-anchor="middle">Kota Malang</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
