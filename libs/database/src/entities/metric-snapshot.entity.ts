import { Column, Entity, PrimaryGeneratedColumn, type ValueTransformer } from 'typeorm';

/** pg returns bigint as a string; these counts stay far below 2^53. */
const nullableBigint: ValueTransformer = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** One row per publication and window (1h, 24h, 7d, 28d): re-collecting a window overwrites it. */
@Entity({ name: 'metric_snapshot' })
export class MetricSnapshotEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'publication_id' }) publicationId!: string;
  @Column('text') window!: string;
  @Column('timestamptz', { name: 'collected_at' }) collectedAt!: Date;
  @Column('bigint', { nullable: true, transformer: nullableBigint }) reach!: number | null;
  @Column('bigint', { nullable: true, transformer: nullableBigint }) views!: number | null;
  @Column('int') likes!: number;
  @Column('int') comments!: number;
  @Column('int') shares!: number;
  @Column('int') saves!: number;
  @Column('int') engagement!: number;
  @Column('jsonb') sources!: Record<string, string>;
  @Column('jsonb') errors!: Record<string, string>;
  @Column('jsonb') raw!: unknown;
  @Column('text', { name: 'api_version' }) apiVersion!: string;
}
