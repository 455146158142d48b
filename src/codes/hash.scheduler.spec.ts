import { describe, expect, it } from '@jest/globals';
import { HashQueueFullError, HashScheduler, type HashLane } from './hash.scheduler.js';

/** A task that finishes when the test says so, recording when it started. */
function gate(started: string[], name: string) {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return {
    task: async () => {
      started.push(name);
      await done;
      return name;
    },
    open: () => open(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function scheduler(concurrency: number, maxQueue = 1000) {
  return new HashScheduler({
    concurrency,
    maxQueue,
    queueBudgetMs: 2000,
    minQueue: 1,
    assumedOperationMs: 20,
  });
}

describe('HashScheduler', () => {
  it('never runs more than its limit at once', async () => {
    const s = scheduler(2);
    let running = 0;
    let peak = 0;
    const ticket = s.reserve('generate', 'alice', 12);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ticket.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 2));
          running--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(results).toEqual([...Array(12).keys()]);
    expect(s.waiting).toBe(0);
  });

  it('starts a waiting verification before any waiting generation of another user', async () => {
    const s = scheduler(1);
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const run = (lane: HashLane, user: string, name: string) => {
      const g = gate(started, name);
      gates.set(name, g);
      return s.reserve(lane, user, 1).run(g.task);
    };
    const all = [
      run('generate', 'flooder', 'g1'),
      run('generate', 'flooder', 'g2'),
      run('generate', 'flooder', 'g3'),
      run('verify', 'bystander', 'v1'),
    ];
    await tick();
    expect(started).toEqual(['g1']);
    gates.get('g1')!.open();
    await tick();
    // g2 and g3 arrived first, but the verification takes the freed slot.
    expect(started).toEqual(['g1', 'v1']);
    for (const name of ['v1', 'g2', 'g3']) {
      gates.get(name)!.open();
      await tick();
    }
    await Promise.all(all);
    expect(started).toEqual(['g1', 'v1', 'g2', 'g3']);
  });

  it('gives the users of a lane their turns, so one flood delays another set by a turn, not by the flood', async () => {
    const s = scheduler(1);
    const started: string[] = [];
    const gates: ReturnType<typeof gate>[] = [];
    const flood = s.reserve('generate', 'flooder', 6);
    const own = s.reserve('generate', 'bystander', 2);
    const all: Promise<string>[] = [];
    for (let i = 1; i <= 6; i++) {
      const g = gate(started, `f${i}`);
      gates.push(g);
      all.push(flood.run(g.task));
    }
    for (let i = 1; i <= 2; i++) {
      const g = gate(started, `b${i}`);
      gates.push(g);
      all.push(own.run(g.task));
    }
    for (let i = 0; i < 8; i++) {
      await tick();
      for (const g of gates) g.open();
    }
    await Promise.all(all);
    expect(started).toEqual(['f1', 'f2', 'b1', 'f3', 'b2', 'f4', 'f5', 'f6']);
  });

  it('refuses work beyond maxQueue at once, admitting none of a set, and says how long to wait', async () => {
    const s = scheduler(1, 10);
    const first = s.reserve('generate', 'alice', 8);
    const refusal = (() => {
      try {
        s.reserve('generate', 'bob', 3);
      } catch (error) {
        return error as HashQueueFullError;
      }
      throw new Error('expected a refusal');
    })();
    expect(refusal).toBeInstanceOf(HashQueueFullError);
    // 8 waiting at the assumed 20 ms, one slot.
    expect(refusal.retryAfterMs).toBe(160);
    expect(s.waiting).toBe(8);
    const second = s.reserve('generate', 'bob', 2);
    expect(s.waiting).toBe(10);
    first.release();
    second.release();
    expect(s.waiting).toBe(0);
    expect(() => s.reserve('generate', 'bob', 10).release()).not.toThrow();
  });

  it('counts only the work ahead: a generation flood never gets a verification refused', async () => {
    const s = scheduler(1, 10);
    const flood = s.reserve('generate', 'flooder', 10);
    expect(() => s.reserve('generate', 'carol', 1)).toThrow(HashQueueFullError);
    // Verifications go first, so the queued generation is not ahead of them.
    const checks = s.reserve('verify', 'bystander', 10);
    expect(s.waiting).toBe(20);
    expect(() => s.reserve('verify', 'dave', 1)).toThrow(HashQueueFullError);
    checks.release();
    flood.release();
    // And a full verification lane refuses generation: it would wait behind all of it.
    const guesses = s.reserve('verify', 'mallory', 10);
    expect(() => s.reserve('generate', 'carol', 1)).toThrow(HashQueueFullError);
    guesses.release();
  });

  it('counts one user’s waiting verifications only up to maxVerificationsPerUser', async () => {
    const s = new HashScheduler({
      concurrency: 1,
      maxQueue: 10,
      queueBudgetMs: 2000,
      minQueue: 1,
      assumedOperationMs: 20,
      maxVerificationsPerUser: 3,
    });
    // A burst of 50 guesses from one account is admitted (the attempt store refuses all but a few
    // right after), and takes only 3 of the 10 places from everyone else.
    const burst = s.reserve('verify', 'mallory', 50);
    const others = Array.from({ length: 7 }, (_, i) => s.reserve('verify', `user-${i}`, 1));
    expect(s.waiting).toBe(57);
    expect(() => s.reserve('verify', 'bob', 1)).toThrow(HashQueueFullError);
    burst.release();
    expect(() => s.reserve('verify', 'bob', 3).release()).not.toThrow();
    for (const ticket of others) ticket.release();
    expect(s.waiting).toBe(0);
  });

  it('derives maxQueue from the measured operation time when none is set', async () => {
    const s = new HashScheduler({
      concurrency: 2,
      queueBudgetMs: 2000,
      minQueue: 10,
      assumedOperationMs: 20,
    });
    // Before any measurement: 2000 ms × 2 slots / 20 ms.
    expect(s.maxQueue).toBe(200);
    await s.reserve('generate', 'alice', 1).run(() => new Promise((r) => setTimeout(r, 50)));
    expect(s.measuredOperationMs).toBeGreaterThanOrEqual(45);
    expect(s.maxQueue).toBeLessThanOrEqual(Math.round(4000 / 45));
    expect(s.maxQueue).toBeGreaterThanOrEqual(10);
  });

  it('frees the slot and the reservation when a task fails', async () => {
    const s = scheduler(1);
    const ticket = s.reserve('verify', 'alice', 2);
    await expect(ticket.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(ticket.run(async () => 'next')).resolves.toBe('next');
    expect(s.waiting).toBe(0);
  });
});
