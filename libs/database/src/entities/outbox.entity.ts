import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A job to enqueue, committed with the rows it concerns; the relay moves it to BullMQ. */
@Entity({ name: 'outbox' })
export class OutboxEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column('text') queue!: string;
  @Column('text', { name: 'job_name' }) jobName!: string;
  @Column('text', { name: 'job_id' }) jobId!: string;
  @Column('jsonb') payload!: Record<string, unknown>;
  @Column('timestamptz', { name: 'run_at' }) runAt!: Date;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'relayed_at', nullable: true }) relayedAt!: Date | null;
}
