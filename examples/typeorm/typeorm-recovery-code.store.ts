import { IsNull, Not, In, QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
// In your app: `from '@nest-auth/mfa'`.
import type {
  NewRecoveryCodeRecord,
  RecoveryCodeStatus,
  RecoveryCodeStore,
  StoredRecoveryCode,
} from '../../src/index.js';
import { RecoveryCodeEntity } from './recovery-code.entity.js';

/**
 * A `RecoveryCodeStore` on TypeORM and PostgreSQL. Writers of one user's codes are serialised by
 * a transaction-scoped advisory lock; consumption is a conditional `UPDATE`. Attempt counters are a
 * separate port: pair it with `attemptStore: new PostgresRecoveryCodeStore({ pool })` (or Redis).
 */
export class TypeOrmRecoveryCodeStore implements RecoveryCodeStore {
  constructor(private readonly dataSource: DataSource) {}

  async replaceAll(userId: string, codes: readonly NewRecoveryCodeRecord[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await lockUser(manager, userId);
      await manager.delete(RecoveryCodeEntity, { userId });
      if (codes.length > 0) {
        await manager.insert(
          RecoveryCodeEntity,
          codes.map(({ lookupKey, digest }) => ({ userId, lookupKey, digest })),
        );
      }
    });
  }

  async append(userId: string, code: NewRecoveryCodeRecord, maxActive: number): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await lockUser(manager, userId);
      // ON CONFLICT DO NOTHING against the partial unique index on unused lookup keys.
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(RecoveryCodeEntity)
        .values({ userId, lookupKey: code.lookupKey, digest: code.digest })
        .orIgnore()
        .returning('id')
        .execute();
      if ((inserted.raw as unknown[]).length === 0) return false;

      const beyondCap = await manager.find(RecoveryCodeEntity, {
        select: { id: true },
        where: { userId, usedAt: IsNull() },
        order: { id: 'DESC' },
        skip: maxActive,
      });
      const olderUsed = await manager.find(RecoveryCodeEntity, {
        select: { id: true },
        where: { userId, usedAt: Not(IsNull()) },
        order: { usedAt: 'DESC', id: 'DESC' },
        skip: 1,
      });
      const stale = [...beyondCap, ...olderUsed].map((c) => c.id);
      if (stale.length > 0) await manager.delete(RecoveryCodeEntity, { id: In(stale) });
      return true;
    });
  }

  async findActive(userId: string, lookupKey: string): Promise<StoredRecoveryCode | null> {
    const row = await this.dataSource
      .getRepository(RecoveryCodeEntity)
      .findOneBy({ userId, lookupKey, usedAt: IsNull() });
    return row && { ...row };
  }

  async consume(userId: string, id: string): Promise<{ remaining: number } | null> {
    if (!isId(id)) return null;
    return this.dataSource.transaction(async (manager) => {
      // Compare-and-set: of concurrent calls, only the first to update the row affects it.
      const result = await manager
        .createQueryBuilder()
        .update(RecoveryCodeEntity)
        .set({ usedAt: () => 'now()' })
        .where('id = :id AND user_id = :userId AND used_at IS NULL', { id, userId })
        .execute();
      if (result.affected !== 1) return null;
      return { remaining: await manager.countBy(RecoveryCodeEntity, { userId, usedAt: IsNull() }) };
    });
  }

  async restore(userId: string, id: string): Promise<boolean> {
    if (!isId(id)) return false;
    try {
      const result = await this.dataSource
        .createQueryBuilder()
        .update(RecoveryCodeEntity)
        .set({ usedAt: null })
        .where('id = :id AND user_id = :userId AND used_at IS NOT NULL', { id, userId })
        .execute();
      return result.affected === 1;
    } catch (error) {
      // A newer unused code took the lookup key: this one cannot come back.
      if (error instanceof QueryFailedError && error.driverError?.code === '23505') return false;
      throw error;
    }
  }

  async status(userId: string): Promise<RecoveryCodeStatus> {
    const row = await this.dataSource
      .getRepository(RecoveryCodeEntity)
      .createQueryBuilder('c')
      .select('count(*) FILTER (WHERE c.used_at IS NULL)::int', 'remaining')
      .addSelect('max(c.created_at) FILTER (WHERE c.used_at IS NULL)', 'generatedAt')
      .addSelect('max(c.used_at)', 'lastUsedAt')
      .where('c.user_id = :userId', { userId })
      .getRawOne<{ remaining: number; generatedAt: Date | null; lastUsedAt: Date | null }>();
    return {
      remaining: row?.remaining ?? 0,
      generatedAt: row?.generatedAt ?? null,
      lastUsedAt: row?.lastUsedAt ?? null,
    };
  }

  async revokeAll(userId: string): Promise<void> {
    await this.dataSource.getRepository(RecoveryCodeEntity).delete({ userId });
  }
}

/** Holds a per-user lock until the transaction ends. */
async function lockUser(manager: EntityManager, userId: string): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
    'mfa_recovery_codes',
    userId,
  ]);
}

/** Ids are bigint identities; anything else cannot match a row (and would fail to cast). */
function isId(id: string): boolean {
  return /^[1-9][0-9]{0,17}$/.test(id);
}
