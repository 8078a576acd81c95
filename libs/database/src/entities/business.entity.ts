import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { RubricCode } from '@app/config';

export const BUSINESS_STATUSES = ['submitted', 'approved', 'changes_requested', 'rejected', 'suspended', 'withdrawn'] as const;
export type BusinessStatus = (typeof BUSINESS_STATUSES)[number];
/** A business in one of these has left the rotation: nothing of it goes out any more. */
export const LEFT_ROTATION: readonly BusinessStatus[] = ['suspended', 'withdrawn'];

/** A product and its price range in rupiah (either bound may be missing). */
export interface ProductLine {
  name: string;
  priceMin?: number;
  priceMax?: number;
}

@Entity({ name: 'business' })
export class BusinessEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  /** Null for a business imported from the programme's records and not yet claimed by its owner. */
  @Column('uuid', { name: 'owner_user_id', nullable: true }) ownerUserId!: string | null;
  /** The business's id in the programme's own registry (CSV import key). */
  @Column('text', { name: 'registry_ref', nullable: true }) registryRef!: string | null;
  @Column('text') name!: string;
  @Column('text', { name: 'owner_name', nullable: true }) ownerName!: string | null;
  @Column('text', { array: true }) rubrics!: RubricCode[];
  @Column('text', { nullable: true }) category!: string | null;
  @Column('text', { name: 'ekraf_subsector', nullable: true }) ekrafSubsector!: string | null;
  @Column('int', { name: 'founding_year', nullable: true }) foundingYear!: number | null;
  @Column('text') description!: string;
  @Column('jsonb', { default: () => "'[]'" }) products!: ProductLine[];
  @Column('text', { nullable: true }) address!: string | null;
  @Column('text') kecamatan!: string;
  @Column('text') kelurahan!: string;
  @Column('text', { nullable: true }) phone!: string | null;
  @Column('text', { name: 'instagram_handle', nullable: true }) instagramHandle!: string | null;
  @Column('text', { name: 'x_handle', nullable: true }) xHandle!: string | null;
  @Column('text', { name: 'facebook_handle', nullable: true }) facebookHandle!: string | null;
  @Column('text', { nullable: true }) website!: string | null;
  @Column('text', { name: 'opening_hours', nullable: true }) openingHours!: string | null;
  @Column('timestamptz', { name: 'consent_at', nullable: true }) consentAt!: Date | null;
  @Column('text', { name: 'consent_text_version', nullable: true }) consentTextVersion!: string | null;
  @Column('uuid', { name: 'consent_user_id', nullable: true }) consentUserId!: string | null;
  @Column('timestamptz', { name: 'submitted_at' }) submittedAt!: Date;
  /** Profile fields an owner changed after approval, waiting for review; the live fields stay in use meanwhile. */
  @Column('jsonb', { name: 'pending_changes', nullable: true }) pendingChanges!: Record<string, unknown> | null;
  @Column('timestamptz', { name: 'pending_since', nullable: true }) pendingSince!: Date | null;
  @Column('text') status!: BusinessStatus;
  @Column('text', { name: 'review_note', nullable: true }) reviewNote!: string | null;
  @Column('uuid', { name: 'primary_media_id', nullable: true }) primaryMediaId!: string | null;
  @Column('timestamptz', { name: 'approved_at', nullable: true }) approvedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
