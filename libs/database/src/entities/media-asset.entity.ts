import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export interface Rendition {
  /** e.g. 'feed' — a JPEG every platform accepts (Instagram aspect 4:5..1.91:1, ≤ 5 MB for X). */
  kind: string;
  storageKey: string;
  width: number;
  height: number;
  bytes: number;
}

@Entity({ name: 'media_asset' })
export class MediaAssetEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'business_id' }) businessId!: string;
  @Column('text') sha256!: string;
  @Column('text') mime!: string;
  @Column('int') width!: number;
  @Column('int') height!: number;
  @Column('int') bytes!: number;
  @Column('text', { name: 'storage_key' }) storageKey!: string;
  @Column('jsonb', { default: () => "'[]'" }) renditions!: Rendition[];
  /** Removed by the owner; kept because published posts may still refer to it. */
  @Column('timestamptz', { name: 'removed_at', nullable: true }) removedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
