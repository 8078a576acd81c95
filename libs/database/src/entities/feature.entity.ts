import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { RubricCode } from '@app/config';

export type FeatureStatus = 'planned' | 'confirmed' | 'publishing' | 'published' | 'partially_failed' | 'failed' | 'cancelled';

/** One rubric in one ISO week (Asia/Jakarta). */
@Entity({ name: 'feature' })
export class FeatureEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') rubric!: RubricCode;
  /** ISO week, e.g. 2026-W48. Unique with rubric among features that are not cancelled. */
  @Column('text', { name: 'iso_week' }) isoWeek!: string;
  /** Monday 00:00 WIB of that week. */
  @Column('timestamptz', { name: 'week_start' }) weekStart!: Date;
  @Column('uuid', { name: 'business_id' }) businessId!: string;
  @Column('text', { name: 'chosen_by' }) chosenBy!: 'rotation' | 'staff' | 'import';
  /** Why the rotation picked this business, in words staff can read. */
  @Column('text') reason!: string;
  @Column('text') status!: FeatureStatus;
  @Column('timestamptz', { name: 'confirmed_at', nullable: true }) confirmedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
