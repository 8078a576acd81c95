import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS, RUBRICS } from '@app/config';
import type { FeaturePreview, PlatformPreview } from '@app/domain';

export class PreviewImageDto {
  @ApiProperty() mediaId!: string;
  @ApiProperty({ description: 'Public URL of the platform-ready JPEG (where Meta fetches it)' }) url!: string;
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty() bytes!: number;
}

export class CaptionChangeDto {
  @ApiProperty({
    enum: ['owner_hashtags_removed', 'owner_mentions_removed', 'description_shortened', 'field_dropped', 'description_removed', 'name_shortened', 'rubric_hashtags_dropped'],
  })
  kind!: string;
  @ApiProperty({ required: false, description: 'For field_dropped: products, openingHours, website, address, contact, foundingYear, ekrafSubsector' }) field?: string;
  @ApiProperty({ required: false, description: 'How many #tags / @mentions / rubric hashtags went' }) count?: number;
}

export class PreviewCaptionDto {
  @ApiProperty({ description: 'The caption as it is (or will be) posted, Bahasa Indonesia' }) text!: string;
  @ApiProperty({ description: 'Length as the platform counts it (X: weighted characters, URLs 23)' }) length!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() hashtags!: number;
  @ApiProperty() mentions!: number;
  @ApiProperty({ nullable: true, type: Number }) maxHashtags!: number | null;
  @ApiProperty({ nullable: true, type: Number }) maxMentions!: number | null;
  @ApiProperty({ description: 'Within length, hashtag and mention limits' }) withinLimits!: boolean;
  @ApiProperty({ nullable: true, type: Boolean, description: 'null for a stored caption that no longer matches the profile (unknown)' }) shortened!: boolean | null;
  @ApiProperty({ nullable: true, type: [CaptionChangeDto] }) changes!: CaptionChangeDto[] | null;
}

export class PlatformPreviewDto {
  @ApiProperty({ enum: PLATFORMS }) platform!: string;
  @ApiProperty({ enum: ['publication', 'profile'], description: 'publication: stored at confirmation; profile: rendered now' }) source!: string;
  @ApiProperty({ nullable: true, type: String }) publicationId!: string | null;
  @ApiProperty({ nullable: true, type: String }) publicationStatus!: string | null;
  @ApiProperty({ description: "The publication's time, or for a planned feature the rubric's slot" }) scheduledAt!: Date;
  @ApiProperty({ type: PreviewCaptionDto }) caption!: PreviewCaptionDto;
  @ApiProperty({ nullable: true, type: PreviewImageDto }) image!: PreviewImageDto | null;

  static from(p: PlatformPreview): PlatformPreviewDto {
    const { changes, ...caption } = p.caption;
    return { ...p, caption: { ...caption, changes: changes === null ? null : changes.map((c) => ({ ...c })) } };
  }
}

export class FeaturePreviewDto {
  @ApiProperty() featureId!: string;
  @ApiProperty({ enum: RUBRICS }) rubric!: string;
  @ApiProperty({ example: '2026-W49' }) isoWeek!: string;
  @ApiProperty() status!: string;
  @ApiProperty() businessId!: string;
  @ApiProperty() businessName!: string;
  @ApiProperty({ type: [PlatformPreviewDto] }) platforms!: PlatformPreviewDto[];

  static from(p: FeaturePreview): FeaturePreviewDto {
    return {
      featureId: p.featureId,
      rubric: p.rubric,
      isoWeek: p.isoWeek,
      status: p.status,
      businessId: p.business.id,
      businessName: p.business.name,
      platforms: p.platforms.map((platform) => PlatformPreviewDto.from(platform)),
    };
  }
}
