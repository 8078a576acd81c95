import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** `duplicate`: the platform refused the post as one it already has; reconciled like `unknown`. */
export const ATTEMPT_OUTCOMES = ['in_flight', 'published', 'failed', 'retry', 'rate_limited', 'unknown', 'duplicate'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** A durable fence: committed before the platform is called, closed after it answers. */
@Entity({ name: 'publish_attempt' })
export class PublishAttemptEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'publication_id' }) publicationId!: string;
  @Column('int', { name: 'attempt_number' }) attemptNumber!: number;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  @Column('text') outcome!: AttemptOutcome;
  @Column('int', { name: 'http_status', nullable: true }) httpStatus!: number | null;
  @Column('text', { nullable: true }) error!: string | null;
}

/** SQL condition on `publish_attempt`: attempts that count against PUBLISH_MAX_ATTEMPTS (a rate-limit hold does not). */
export const SPENT_ATTEMPT_SQL = `outcome <> 'rate_limited'`;
