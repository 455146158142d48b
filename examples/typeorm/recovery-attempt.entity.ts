import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The attempt counter of one user, in the table layout of `migrations/001_recovery_codes.sql`. */
@Entity({ name: 'mfa_recovery_attempts' })
export class RecoveryAttemptEntity {
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'window_start', type: 'timestamptz' })
  windowStart!: Date;
}
