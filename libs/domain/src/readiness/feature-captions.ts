import type { FactoryProvider } from '@nestjs/common';
import type { Platform } from '@app/config';
import { FeaturePreviewService } from '../captions/feature-preview.service.js';

/** One platform's caption of a feature, measured the way that platform counts (X: weighted characters). */
export interface CaptionLength {
  readonly platform: Platform;
  readonly length: number;
  readonly limit: number;
}

/** The captions a feature would go out with, per platform. Platforms it returns nothing for are not checked. */
export type FeatureCaptions = (featureId: string) => Promise<readonly CaptionLength[]>;

/** Nest token for the FeatureCaptions the readiness check uses. */
export const FEATURE_CAPTIONS = Symbol('FEATURE_CAPTIONS');

/**
 * The captions staff see in the preview: the ones stored on a confirmed feature's publications, or for a planned
 * feature the ones confirming would render now.
 */
export const PREVIEWED_FEATURE_CAPTIONS: FactoryProvider<FeatureCaptions> = {
  provide: FEATURE_CAPTIONS,
  inject: [FeaturePreviewService],
  useFactory: (previews: FeaturePreviewService): FeatureCaptions => async (featureId) =>
    (await previews.preview(featureId)).platforms.map((p) => ({ platform: p.platform, length: p.caption.length, limit: p.caption.limit })),
};
