import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { RecoveryCodeEntity } from '../../examples/typeorm/recovery-code.entity.js';
import { TypeOrmRecoveryCodeStore } from '../../examples/typeorm/typeorm-recovery-code.store.js';
import { MfaModule, MfaService } from '../../src/index.js';
import { PostgresRecoveryCodeStore } from '../../src/postgres/index.js';
import { describeRecoveryCodeStore } from '../../src/testing/index.js';
import { FAST_HASHING } from '../utils/test-app.js';
import { createTestDatabase, describePostgres, type TestDatabase } from './pg-harness.js';

describePostgres()('The TypeORM recipe (examples/typeorm)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('typeorm');
    // The tables come from the shipped migration; the entities map onto them.
    const migrator = new PostgresRecoveryCodeStore({ connectionString: db.url });
    await migrator.migrate();
    await migrator.close();
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: [RecoveryCodeEntity],
      extra: { max: 20 },
    });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.close();
  });

  describeRecoveryCodeStore('TypeOrmRecoveryCodeStore', () => ({
    store: new TypeOrmRecoveryCodeStore(dataSource),
  }));

  describe('entities', () => {
    it('match the shipped schema: TypeORM finds nothing to change', async () => {
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    });
  });

  describe('behind MfaService', () => {
    it('generates, redeems and resets through the TypeORM store, with counters in PostgreSQL', async () => {
      const attemptStore = new PostgresRecoveryCodeStore({ connectionString: db.url });
      const moduleRef = await Test.createTestingModule({
        imports: [
          MfaModule.forRoot({
            store: new TypeOrmRecoveryCodeStore(dataSource),
            attemptStore,
            hashing: FAST_HASHING,
            onMfaReset: () => undefined,
          }),
        ],
      }).compile();
      const mfa = moduleRef.get(MfaService);
      try {
        const { codes } = await mfa.generateRecoveryCodes('typeorm-user', 3);
        expect(await mfa.redeemRecoveryCode('typeorm-user', codes[0])).toEqual({ remaining: 2 });
        await expect(mfa.redeemRecoveryCode('typeorm-user', codes[0])).rejects.toThrow();
        await mfa.resetMfa('typeorm-user', codes[1]);
        expect(await mfa.getRecoveryCodeStatus('typeorm-user')).toMatchObject({ remaining: 1 });
      } finally {
        await moduleRef.close();
        await attemptStore.close();
      }
    });

    it('refuses to start without an attempt store, naming the fix', async () => {
      await expect(
        Test.createTestingModule({
          imports: [MfaModule.forRoot({ store: new TypeOrmRecoveryCodeStore(dataSource) })],
        }).compile(),
      ).rejects.toThrow(/set `attemptStore`/);
    });
  });
});
