import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A recovery code digest, in the table layout of `migrations/001_recovery_codes.sql`. */
@Entity({ name: 'mfa_recovery_codes' })
// The one-row lookup, and what makes a duplicate unused lookup key a conflict.
@Index('mfa_recovery_codes_active_key', ['userId', 'lookupKey'], {
  unique: true,
  where: '"used_at" IS NULL',
})
@Index('mfa_recovery_codes_user', ['userId', 'id'])
export class RecoveryCodeEntity {
  // Creation order: eviction keeps the newest unused codes.
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'lookup_key', type: 'text' })
  lookupKey!: string;

  @Column({ type: 'text' })
  digest!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
