import type { Platform, RubricCode } from '@app/config';

/** Stable, English problem codes; staff read `message`, clients and alerts key off `code`. */
export const READINESS_CODES = [
  'business_not_approved',
  'photo_missing',
  'image_unreachable',
  'image_out_of_limits',
  'nothing_scheduled',
  'slot_passed',
  'account_missing',
  'account_needs_reconnect',
  'token_expired',
  'token_expires_before_slot',
  'token_invalid',
  'account_mismatch',
  'account_rejected',
  'check_failed',
  'api_usage_capped',
  'quota_exhausted',
  'caption_too_long',
] as const;
export type ReadinessCode = (typeof READINESS_CODES)[number];

export interface ReadinessProblem {
  /** null when the problem is not about one platform (the business, its photo). */
  readonly platform: Platform | null;
  readonly code: ReadinessCode;
  /** Bahasa Indonesia, for staff: what is wrong and what to do. */
  readonly message: string;
}

/** One platform the feature will go out on, with what the check learnt about it. */
export interface PlatformReadiness {
  readonly platform: Platform;
  /** The publication's scheduled time, or the rubric's slot for a planned feature. */
  readonly slotAt: Date;
  /** Publishing quota as the platform reported it now (Instagram only); information, not a verdict. */
  readonly quota: { readonly used: number; readonly limit: number } | null;
}

export interface ReadinessReport {
  readonly featureId: string;
  readonly isoWeek: string;
  readonly rubric: RubricCode;
  readonly firstSlotAt: Date;
  readonly checkedAt: Date;
  /** True when `problems` is empty: every problem, including a check that could not run, blocks. */
  readonly ready: boolean;
  readonly platforms: readonly PlatformReadiness[];
  readonly problems: readonly ReadinessProblem[];
}
