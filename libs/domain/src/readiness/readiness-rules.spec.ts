import { describe, expect, it } from '@jest/globals';
import { type MediaRules, PlatformAuthError, PlatformRateLimitError, PlatformRejectedError, PlatformTransientError, PlatformUsageCapError } from '@app/platforms';
import {
  accountMismatch,
  businessNotApproved,
  captionTooLong,
  checkFailed,
  imageOutOfLimits,
  imageUnreachable,
  mediaViolations,
  quotaExhausted,
  tokenExpiry,
  wib,
} from './readiness-rules.js';

// Tuesday 2026-11-24 10:00 WIB.
const SLOT = new Date('2026-11-24T03:00:00Z');
const NOW = new Date('2026-11-21T03:00:00Z');
const HOUR = 3_600_000;
const MIB = 1024 * 1024;
const INSTAGRAM_LIKE: MediaRules = { mimeTypes: ['image/jpeg'], maxBytes: 8 * MIB, aspectRatio: { min: 0.8, max: 1.91 } };
const X_LIKE: MediaRules = { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MIB };
const jpeg = (width: number, height: number, bytes = 400_000) => ({ mimeType: 'image/jpeg', width, height, bytes });

describe('readiness rules', () => {
  it('writes times as staff in Malang read them, in WIB whatever the server zone', () => {
    expect(wib(SLOT)).toBe('Sel 24 Nov 10.00 WIB');
    // Sunday 16:59 UTC is already Sunday 23:59 in Malang; the week's last minute.
    expect(wib(new Date('2026-11-29T16:59:00Z'))).toBe('Min 29 Nov 23.59 WIB');
  });

  describe('token expiry recorded at connection', () => {
    it('is fine without an expiry or with one after the slot', () => {
      expect(tokenExpiry('instagram', null, SLOT, NOW)).toBeNull();
      expect(tokenExpiry('instagram', new Date(SLOT.getTime() + 1), SLOT, NOW)).toBeNull();
    });

    it('blocks a token that runs out before the slot (or exactly at it), naming the slot and what to do', () => {
      const soon = tokenExpiry('instagram', new Date(SLOT.getTime() - 2 * HOUR), SLOT, NOW);
      expect(soon).toEqual({
        platform: 'instagram',
        code: 'token_expires_before_slot',
        message: 'Token Instagram kedaluwarsa sebelum jadwal tayang (Sel 24 Nov 10.00 WIB), yaitu Sel 24 Nov 08.00 WIB; hubungkan ulang akun.',
      });
      expect(tokenExpiry('x', SLOT, SLOT, NOW)?.code).toBe('token_expires_before_slot');
    });

    it('says a token is already dead when its expiry has passed', () => {
      const dead = tokenExpiry('facebook', new Date(NOW.getTime() - HOUR), SLOT, NOW);
      expect(dead?.code).toBe('token_expired');
      expect(dead?.message).toMatch(/^Token Facebook sudah kedaluwarsa sejak Sab 21 Nov 09\.00 WIB; hubungkan ulang akun/);
    });
  });

  describe('live account check failures', () => {
    it('sorts them by what staff must do', () => {
      expect(checkFailed('instagram', new PlatformAuthError('instagram', 'Error validating access token'), SLOT)).toMatchObject({
        code: 'token_invalid',
        message: expect.stringMatching(/^Instagram menolak token akun \("Error validating access token"\); hubungkan ulang akun/),
      });
      expect(checkFailed('facebook', new PlatformRejectedError('facebook', 'Object does not exist'), SLOT).code).toBe('account_rejected');
      // The plan's cap is spent: nothing is wrong with the account, an admin raises the plan.
      expect(checkFailed('x', new PlatformUsageCapError('x', 'Usage cap exceeded: Monthly product cap'), SLOT)).toMatchObject({
        code: 'api_usage_capped',
        message: expect.stringMatching(/^Batas pemakaian API X \(usage cap\) sudah habis/),
      });
      // Not knowing is not "fine": a check that could not run blocks, so auto-confirm never goes ahead blindly.
      expect(checkFailed('x', new PlatformRateLimitError('x', 'Too Many Requests', 60_000), SLOT).code).toBe('check_failed');
      expect(checkFailed('x', new PlatformTransientError('x', 'Server error'), SLOT).code).toBe('check_failed');
    });

    it('notices a token that belongs to another account', () => {
      const connected = { displayName: 'Diskominfo Malang', externalId: '100' };
      expect(accountMismatch('x', connected, { accountId: '100', name: 'kominfomalang' })).toBeNull();
      expect(accountMismatch('x', connected, { accountId: '200', name: 'orang_lain' })?.message).toBe(
        'Token X milik akun lain, "orang_lain" (ID 200), bukan "Diskominfo Malang" (ID 100); hubungkan ulang akun yang benar.',
      );
    });
  });

  describe('publishing quota', () => {
    const full = { used: 50, limit: 50, windowSeconds: 86_400 };

    it('blocks when the quota is used up and the slot falls inside the current window', () => {
      const problem = quotaExhausted('instagram', full, SLOT, new Date(SLOT.getTime() - 3 * HOUR));
      expect(problem?.code).toBe('quota_exhausted');
      expect(problem?.message).toContain('50 dari 50 dalam 24 jam terakhir');
    });

    it('reports nothing while there is room, when the slot is beyond the window, or for a platform without a quota', () => {
      expect(quotaExhausted('instagram', { ...full, used: 49 }, SLOT, new Date(SLOT.getTime() - HOUR))).toBeNull();
      expect(quotaExhausted('instagram', full, SLOT, new Date(SLOT.getTime() - 25 * HOUR))).toBeNull();
      expect(quotaExhausted('facebook', null, SLOT, NOW)).toBeNull();
    });
  });

  describe('image limits', () => {
    it('accepts the platform-ready rendition (1080x1350 is exactly 4:5)', () => {
      expect(mediaViolations(jpeg(1080, 1350), INSTAGRAM_LIKE)).toEqual([]);
      expect(mediaViolations(jpeg(1910, 1000), INSTAGRAM_LIKE)).toEqual([]);
    });

    it('names every broken limit with the number and the bound', () => {
      expect(mediaViolations({ mimeType: 'image/png', width: 3000, height: 1000, bytes: 9 * MIB }, INSTAGRAM_LIKE)).toEqual([
        'format PNG (harus JPEG)',
        'ukuran 9 MB (maksimal 8 MB)',
        'rasio lebar:tinggi 3 dari 3000×1000 piksel (harus antara 0,8 dan 1,91)',
      ]);
      expect(mediaViolations(jpeg(1000, 1300), INSTAGRAM_LIKE)).toEqual(['rasio lebar:tinggi 0,77 dari 1000×1300 piksel (harus antara 0,8 dan 1,91)']);
    });

    it('checks each platform by its own rules', () => {
      const big = jpeg(1080, 1350, 6.5 * MIB);
      expect(imageOutOfLimits('instagram', big, INSTAGRAM_LIKE)).toBeNull();
      expect(imageOutOfLimits('x', big, X_LIKE)).toEqual({
        platform: 'x',
        code: 'image_out_of_limits',
        message: 'Foto tidak memenuhi batas X: ukuran 6,5 MB (maksimal 5 MB). Unggah ulang foto yang sesuai.',
      });
    });

    it('explains why the public URL gave no image', () => {
      const url = 'https://umkm.malangkota.go.id/api/media/ab/x.jpg';
      expect(imageUnreachable(url, { kind: 'http_status', status: 404 }).message).toBe(
        `Foto tidak bisa diambil platform dari alamat publiknya: alamatnya menjawab HTTP 404. Periksa penyimpanan foto dan PUBLIC_BASE_URL (${url}).`,
      );
      expect(imageUnreachable(url, { kind: 'timeout', timeoutMs: 5000 }).message).toContain('tidak ada jawaban dalam 5 detik');
      expect(imageUnreachable(url, { kind: 'not_image', contentType: 'text/html' }).message).toContain('content-type: text/html');
    });
  });

  it('flags captions over the limit only', () => {
    expect(captionTooLong('x', 280, 280)).toBeNull();
    expect(captionTooLong('x', 312, 280)?.message).toBe('Caption X terlalu panjang: 312 karakter, maksimal 280; perpendek caption.');
  });

  it('requires the business to be approved still', () => {
    expect(businessNotApproved({ name: 'Keripik Bu Sri', status: 'approved' })).toBeNull();
    expect(businessNotApproved({ name: 'Keripik Bu Sri', status: 'suspended' })?.message).toBe(
      'Usaha "Keripik Bu Sri" ditangguhkan, bukan disetujui; pilih usaha lain untuk minggu ini.',
    );
    expect(businessNotApproved(null)?.code).toBe('business_not_approved');
  });
});
