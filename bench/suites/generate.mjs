// 3. generateRecoveryCodes(10) hashes concurrently: it should cost what ten raw hashes run
// concurrently cost, well under ten run one after another.
import argon2 from 'argon2';
import { availableParallelism } from 'node:os';
import { canonical, createMfa, randomHexCode } from '../lib/mfa-context.mjs';
import { interleave, ratios, summarize } from '../lib/stats.mjs';

const BATCH = 10;

export async function runGenerateSuite({ hashing, rounds, deadline }) {
  const { mfa, close } = await createMfa({ hashing, maxActiveCodes: BATCH });
  const options = { type: argon2.argon2id, ...hashing };
  const hashOne = () => argon2.hash(canonical(randomHexCode()), options);
  const waves = availableParallelism();
  try {
    const samples = await interleave(
      [
        { name: 'library', run: (r) => mfa.generateRecoveryCodes(`generate-${r}`, BATCH) },
        {
          name: 'sequential',
          run: async () => {
            for (let i = 0; i < BATCH; i++) await hashOne();
          },
        },
        {
          name: 'concurrent',
          run: () => Promise.all(Array.from({ length: BATCH }, hashOne)),
        },
        {
          // As many at a time as there are cores: no oversubscription of the thread pool.
          name: 'concurrentByCores',
          run: async () => {
            for (let done = 0; done < BATCH; done += waves) {
              await Promise.all(Array.from({ length: Math.min(waves, BATCH - done) }, hashOne));
            }
          },
        },
      ],
      { rounds, warmup: 2, deadline },
    );
    const library = summarize(samples.library);
    const sequential = summarize(samples.sequential);
    const concurrent = summarize(samples.concurrent);
    const concurrentByCores = summarize(samples.concurrentByCores);
    const best = concurrent.median <= concurrentByCores.median ? concurrent : concurrentByCores;
    return {
      batch: BATCH,
      library,
      sequential,
      concurrent,
      concurrentByCores: { ...concurrentByCores, width: waves },
      bestConcurrent: best === concurrent ? 'concurrent' : 'concurrentByCores',
      ratioToBestConcurrent: ratios(library, best),
      speedUpOverSequential: sequential.median / library.median,
    };
  } finally {
    await close();
  }
}
