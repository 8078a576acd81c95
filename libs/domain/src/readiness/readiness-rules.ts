import { DateTime } from 'luxon';
import type { Platform } from '@app/config';
import type { BusinessStatus, FeatureStatus, PlatformAccountStatus } from '@app/database';
import { type MediaRules, type PlatformError, PlatformAuthError, PlatformRejectedError, PlatformUsageCapError, type PublishingQuota } from '@app/platforms';
import { ZONE } from '../time/iso-week.js';
import type { MediaFetchFailure, ServedImage } from './public-media.client.js';
import type { ReadinessCode, ReadinessProblem } from './readiness-report.js';

/**
 * The readiness verdicts as pure functions: each takes plain facts and returns the problem staff see (Bahasa
 * Indonesia, with what to do), or null. No IO here, so every rule is unit-tested.
 */

/** How staff know the platforms; presentation only, no behaviour hangs on it. */
const PLATFORM_NAMES: Readonly<Record<Platform, string>> = { instagram: 'Instagram', facebook: 'Facebook', x: 'X' };

const BUSINESS_STATUS_WORDS: Readonly<Record<BusinessStatus, string>> = {
  submitted: 'masih menunggu tinjauan',
  approved: 'disetujui',
  changes_requested: 'sedang diminta perbaikan',
  rejected: 'ditolak',
  suspended: 'ditangguhkan',
  withdrawn: 'sudah mengundurkan diri',
};

const ACCOUNT_STATUS_WORDS: Readonly<Record<PlatformAccountStatus, string>> = {
  active: 'aktif',
  needs_reconnect: 'perlu dihubungkan ulang',
  disabled: 'dinonaktifkan',
};

const FEATURE_STATUS_WORDS: Readonly<Record<FeatureStatus, string>> = {
  planned: 'direncanakan',
  confirmed: 'dikonfirmasi',
  publishing: 'sedang diposting',
  published: 'sudah tayang',
  partially_failed: 'sebagian gagal',
  failed: 'gagal',
  cancelled: 'dibatalkan',
};

const MB = 1024 * 1024;
const decimal = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 2 });

const problem = (platform: Platform | null, code: ReadinessCode, message: string): ReadinessProblem => ({ platform, code, message });

/** `Sel 24 Nov 10.00 WIB`: how staff in Malang read a time. */
export function wib(instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: ZONE }).setLocale('id').toFormat("ccc d LLL HH.mm 'WIB'");
}

export function platformName(platform: Platform): string {
  return PLATFORM_NAMES[platform];
}

export function businessNotApproved(business: { name: string; status: BusinessStatus } | null): ReadinessProblem | null {
  if (business === null) return problem(null, 'business_not_approved', 'Usaha yang ditampilkan sudah tidak ada; pilih usaha lain untuk minggu ini.');
  if (business.status === 'approved') return null;
  return problem(null, 'business_not_approved', `Usaha "${business.name}" ${BUSINESS_STATUS_WORDS[business.status]}, bukan disetujui; pilih usaha lain untuk minggu ini.`);
}

export function photoMissing(reason: 'no_photo' | 'photo_removed' | 'no_rendition'): ReadinessProblem {
  const what = {
    no_photo: 'Usaha ini belum punya foto utama; minta pemilik mengunggah foto.',
    photo_removed: 'Foto yang dijadwalkan sudah dihapus pemilik; pilih foto lain lalu konfirmasi ulang.',
    no_rendition: 'Foto utama belum punya versi siap tayang; unggah ulang fotonya.',
  }[reason];
  return problem(null, 'photo_missing', what);
}

export function imageUnreachable(url: string, failure: MediaFetchFailure): ReadinessProblem {
  return problem(null, 'image_unreachable', `Foto tidak bisa diambil platform dari alamat publiknya: ${fetchFailureWords(failure)}. Periksa penyimpanan foto dan PUBLIC_BASE_URL (${url}).`);
}

function fetchFailureWords(failure: MediaFetchFailure): string {
  switch (failure.kind) {
    case 'http_status':
      return `alamatnya menjawab HTTP ${failure.status}`;
    case 'timeout':
      return `tidak ada jawaban dalam ${decimal.format(failure.timeoutMs / 1000)} detik`;
    case 'network':
      return `alamatnya tidak bisa dihubungi (${failure.code})`;
    case 'not_image':
      return `alamatnya tidak mengirim gambar (content-type: ${failure.contentType ?? 'tidak ada'})`;
    case 'too_large':
      return `berkasnya lebih dari ${decimal.format(failure.maxBytes / MB)} MB`;
  }
}

/** What in the image breaks the platform's rules, each as a short phrase; empty when it fits. */
export function mediaViolations(image: ServedImage, rules: MediaRules): string[] {
  const violations: string[] = [];
  if (!rules.mimeTypes.includes(image.mimeType)) {
    violations.push(`format ${formatName(image.mimeType)} (harus ${rules.mimeTypes.map(formatName).join('/')})`);
  }
  if (image.bytes > rules.maxBytes) {
    violations.push(`ukuran ${decimal.format(image.bytes / MB)} MB (maksimal ${decimal.format(rules.maxBytes / MB)} MB)`);
  }
  const ratio = image.width / image.height;
  // The same tolerance as the platforms' own checks: 1080x1350 is exactly 4:5.
  if (rules.aspectRatio && (ratio < rules.aspectRatio.min - 1e-9 || ratio > rules.aspectRatio.max + 1e-9)) {
    violations.push(
      `rasio lebar:tinggi ${decimal.format(ratio)} dari ${image.width}×${image.height} piksel ` +
        `(harus antara ${decimal.format(rules.aspectRatio.min)} dan ${decimal.format(rules.aspectRatio.max)})`,
    );
  }
  return violations;
}

export function imageOutOfLimits(platform: Platform, image: ServedImage, rules: MediaRules): ReadinessProblem | null {
  const violations = mediaViolations(image, rules);
  if (violations.length === 0) return null;
  return problem(platform, 'image_out_of_limits', `Foto tidak memenuhi batas ${platformName(platform)}: ${violations.join('; ')}. Unggah ulang foto yang sesuai.`);
}

export function nothingScheduled(status: FeatureStatus): ReadinessProblem {
  return problem(null, 'nothing_scheduled', `Tidak ada postingan yang masih menunggu jadwal untuk fitur ini (status fitur: ${FEATURE_STATUS_WORDS[status]}).`);
}

export function slotPassed(platform: Platform, slotAt: Date): ReadinessProblem {
  return problem(platform, 'slot_passed', `Jadwal tayang ${platformName(platform)} (${wib(slotAt)}) sudah lewat; konfirmasi dengan waktu tayang lain.`);
}

export function accountMissing(platform: Platform, slotAt: Date): ReadinessProblem {
  return problem(platform, 'account_missing', `Belum ada akun ${platformName(platform)} yang terhubung; hubungkan akun sebelum jadwal tayang (${wib(slotAt)}).`);
}

export function accountNotActive(platform: Platform, account: { displayName: string; status: PlatformAccountStatus }, slotAt: Date): ReadinessProblem {
  return problem(
    platform,
    'account_needs_reconnect',
    `Akun ${platformName(platform)} "${account.displayName}" ${ACCOUNT_STATUS_WORDS[account.status]}; hubungkan ulang akun sebelum jadwal tayang (${wib(slotAt)}).`,
  );
}

/** The expiry recorded when the token was connected: already past, or before the slot. */
export function tokenExpiry(platform: Platform, tokenExpiresAt: Date | null, slotAt: Date, now: Date): ReadinessProblem | null {
  if (tokenExpiresAt === null || tokenExpiresAt.getTime() > slotAt.getTime()) return null;
  const name = platformName(platform);
  if (tokenExpiresAt.getTime() <= now.getTime()) {
    return problem(platform, 'token_expired', `Token ${name} sudah kedaluwarsa sejak ${wib(tokenExpiresAt)}; hubungkan ulang akun sebelum jadwal tayang (${wib(slotAt)}).`);
  }
  return problem(
    platform,
    'token_expires_before_slot',
    `Token ${name} kedaluwarsa sebelum jadwal tayang (${wib(slotAt)}), yaitu ${wib(tokenExpiresAt)}; hubungkan ulang akun.`,
  );
}

/** A live account check that the platform refused or could not answer. */
export function checkFailed(platform: Platform, error: PlatformError, slotAt: Date): ReadinessProblem {
  const name = platformName(platform);
  if (error instanceof PlatformAuthError) {
    return problem(platform, 'token_invalid', `${name} menolak token akun ("${error.reason}"); hubungkan ulang akun sebelum jadwal tayang (${wib(slotAt)}).`);
  }
  if (error instanceof PlatformUsageCapError) {
    return problem(
      platform,
      'api_usage_capped',
      `Batas pemakaian API ${name} (usage cap) sudah habis; unggahan ke ${name} akan gagal sampai admin menaikkan paket API atau periode berikutnya dimulai.`,
    );
  }
  if (error instanceof PlatformRejectedError) {
    return problem(platform, 'account_rejected', `${name} menolak pemeriksaan akun ("${error.reason}"); periksa ID akun yang terhubung.`);
  }
  // Rate limits and outages: nothing is known about the account, so auto-confirm must not go ahead on it.
  return problem(platform, 'check_failed', `Akun ${name} belum bisa diperiksa saat ini ("${error.reason}"); coba periksa lagi nanti.`);
}

export function accountMismatch(platform: Platform, connected: { displayName: string; externalId: string }, answered: { accountId: string; name: string | null }): ReadinessProblem | null {
  if (answered.accountId === connected.externalId) return null;
  const other = answered.name === null ? `ID ${answered.accountId}` : `"${answered.name}" (ID ${answered.accountId})`;
  return problem(
    platform,
    'account_mismatch',
    `Token ${platformName(platform)} milik akun lain, ${other}, bukan "${connected.displayName}" (ID ${connected.externalId}); hubungkan ulang akun yang benar.`,
  );
}

/**
 * The platform's rolling publishing quota. What is used now only predicts the slot when the slot falls inside the
 * current window; further out, every post counted now will have aged out, so nothing is reported.
 */
export function quotaExhausted(platform: Platform, quota: PublishingQuota | null, slotAt: Date, now: Date): ReadinessProblem | null {
  if (quota === null || quota.used < quota.limit) return null;
  if (slotAt.getTime() - now.getTime() > quota.windowSeconds * 1000) return null;
  const hours = decimal.format(quota.windowSeconds / 3600);
  return problem(
    platform,
    'quota_exhausted',
    `Kuota posting ${platformName(platform)} habis (${quota.used} dari ${quota.limit} dalam ${hours} jam terakhir); ` +
      `postingan ${wib(slotAt)} akan tertunda sampai kuota pulih. Kurangi posting lewat API sebelum jadwal itu.`,
  );
}

export function captionTooLong(platform: Platform, length: number, limit: number): ReadinessProblem | null {
  if (length <= limit) return null;
  return problem(platform, 'caption_too_long', `Caption ${platformName(platform)} terlalu panjang: ${length} karakter, maksimal ${limit}; perpendek caption.`);
}

function formatName(mimeType: string): string {
  return mimeType.replace(/^image\//, '').toUpperCase();
}
