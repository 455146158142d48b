/**
 * @internal Which line an argon2 operation waits in: checking a typed code, or hashing new codes.
 */
export type HashLane = 'verify' | 'generate';

/** @internal Limits of a `HashScheduler`. */
export interface HashSchedulerLimits {
  /** Operations that run at once (`hashing.maxConcurrency`). */
  concurrency: number;
  /** Fixed cap on waiting operations (`hashing.maxQueue`); `undefined` derives it from `queueBudgetMs`. */
  maxQueue?: number;
  /** The derived cap: as many operations as `concurrency` slots finish in this many ms. */
  queueBudgetMs: number;
  /** The derived cap never drops below this, so the largest set always fits. */
  minQueue: number;
  /** Assumed time of one operation until one has been measured. */
  assumedOperationMs: number;
  /**
   * Waiting verifications of one user that count against the cap (`maxAttempts`: the attempt
   * store lets no more reach a hash in a window). Default: all of them.
   */
  maxVerificationsPerUser?: number;
}

/** @internal Thrown by `reserve()` when the work ahead is at the cap. */
export class HashQueueFullError extends Error {
  constructor(
    /** How long the work ahead takes to drain, at the measured operation time. */
    readonly retryAfterMs: number,
  ) {
    super('argon2 backlog is full');
    this.name = 'HashQueueFullError';
  }
}

/**
 * @internal Room for a number of operations of one user in one lane, taken at admission so that a
 * set is admitted or refused as a whole, before any counter is touched.
 */
export class HashTicket {
  private unused: number;
  private released = false;

  /** @internal Made by `HashScheduler.reserve()`. */
  constructor(
    private readonly scheduler: HashScheduler,
    readonly lane: HashLane,
    readonly key: string,
    count: number,
  ) {
    this.unused = count;
  }

  /**
   * Runs one operation in the ticket's lane. Beyond the reserved count (a retried generation) the
   * operation is admitted on its own, and may be refused.
   */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.unused > 0 && !this.released) {
      this.unused--;
    } else {
      try {
        this.scheduler.admit(this.lane, this.key, 1);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.scheduler.enqueue(this.lane, this.key, task);
  }

  /** Gives back what was reserved and not used. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.scheduler.giveBack(this.lane, this.key, this.unused);
    this.unused = 0;
  }
}

/** How many recent operation times the measured time is the median of. */
const SAMPLES = 31;

interface Waiter {
  start(): void;
}

/**
 * @internal Runs argon2 operations at most `concurrency` at a time, fairly. argon2 runs on libuv's
 * thread pool, which file system, DNS and zlib calls share, so hashing waits here rather than there.
 *
 * Fairness, the design:
 * - **Two lanes, verification first.** A free slot goes to a waiting verification before any
 *   waiting generation, so a user typing a code never waits behind another user's generation
 *   (only behind operations already running, which cannot be preempted). Generation may wait
 *   behind verifications; verification is what locks people out when slow, and its volume is
 *   already bounded per user by `maxAttempts`.
 * - **Round-robin per user within a lane.** Each user has a first-in, first-out queue; slots go to
 *   the users of a lane in turn. One user's 300 hashes delay another user's set by at most one
 *   operation per turn, not by the whole flood.
 * - **A bounded backlog, counted as the work ahead.** An operation is admitted only if the work
 *   that would run before it is under the cap: for a verification, the waiting verifications (it
 *   goes ahead of every generation); for a generation, everything waiting. So a generation flood
 *   can never get a verification refused, while a verification flood does refuse new generation.
 *   Beyond the cap admission fails at once (`HashQueueFullError`): nothing queues without bound
 *   (at most twice the cap in all). A user's waiting verifications count only up to
 *   `maxVerificationsPerUser`: the attempt store refuses the rest before they hash, so one
 *   account's burst of guesses cannot fill the verification lane for everyone. The default cap is
 *   about `queueBudgetMs` of work at the measured operation
 *   time (the median of recent operations), so it follows the real cost of the parameters on this
 *   machine.
 */
export class HashScheduler {
  private running = 0;
  /** Admitted and not started (reserved by tickets, or waiting in a lane), per lane. */
  private readonly backlog: Record<HashLane, number> = { verify: 0, generate: 0 };
  /** The same, as counted against the cap: a user's verifications up to the per-user cap. */
  private readonly ahead: Record<HashLane, number> = { verify: 0, generate: 0 };
  /** Admitted and not started verifications, per user. */
  private readonly verificationsOf = new Map<string, number>();
  private averageMs: number | undefined;
  private readonly samples: number[] = [];
  private sampleCount = 0;
  private readonly lanes: Record<HashLane, Map<string, Waiter[]>> = {
    verify: new Map(),
    generate: new Map(),
  };

  constructor(private readonly limits: HashSchedulerLimits) {}

  /** Operations that run at once. */
  get concurrency(): number {
    return this.limits.concurrency;
  }

  /** The cap on the work ahead of a new operation: fixed, or derived from the measured time. */
  get maxQueue(): number {
    if (this.limits.maxQueue !== undefined) return this.limits.maxQueue;
    const perOperation = this.averageMs ?? this.limits.assumedOperationMs;
    const derived = Math.round((this.limits.queueBudgetMs * this.concurrency) / perOperation);
    return Math.max(this.limits.minQueue, derived);
  }

  /** Median time of recent operations, once one finished; `undefined` before. */
  get measuredOperationMs(): number | undefined {
    return this.averageMs;
  }

  /** Operations admitted and not yet running, in both lanes. */
  get waiting(): number {
    return this.backlog.verify + this.backlog.generate;
  }

  /**
   * Admits `count` operations of `key` in `lane`, or throws `HashQueueFullError` admitting none.
   */
  reserve(lane: HashLane, key: string, count: number): HashTicket {
    this.admit(lane, key, count);
    return new HashTicket(this, lane, key, count);
  }

  /** @internal Counts `count` more operations into the backlog, or refuses them all. */
  admit(lane: HashLane, key: string, count: number): void {
    const added = lane === 'verify' ? this.countedVerifications(key, count) : count;
    // A verification goes ahead of every generation: only verifications are ahead of it.
    const ahead = lane === 'verify' ? this.ahead.verify : this.ahead.verify + this.ahead.generate;
    if (added > 0 && ahead + added > this.maxQueue) {
      const perOperation = this.averageMs ?? this.limits.assumedOperationMs;
      // The work ahead drains `concurrency` operations per operation time.
      throw new HashQueueFullError(
        Math.ceil(((ahead + this.running) * perOperation) / this.concurrency),
      );
    }
    this.enter(lane, key, count);
  }

  /** @internal Returns reserved operations that will not run. */
  giveBack(lane: HashLane, key: string, count: number): void {
    this.leave(lane, key, count);
  }

  /**
   * @internal Runs an admitted operation now if a slot is free, else queues it in its lane and
   * user queue.
   */
  enqueue<T>(lane: HashLane, key: string, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.leave(lane, key, 1);
        const started = performance.now();
        let settled: Promise<T>;
        try {
          settled = task();
        } catch (error) {
          settled = Promise.reject(error);
        }
        settled
          .then(
            (value) => {
              this.measure(performance.now() - started);
              resolve(value);
            },
            (error: unknown) => reject(error),
          )
          .finally(() => this.next());
      };
      if (this.running < this.concurrency) {
        this.running++;
        start();
        return;
      }
      const queues = this.lanes[lane];
      const queue = queues.get(key);
      if (queue) queue.push({ start });
      else queues.set(key, [{ start }]);
    });
  }

  /**
   * How much `count` more verifications of `key` add to the work ahead: a user's verifications
   * count up to `maxVerificationsPerUser`, since the attempt store lets no more reach a hash (the
   * rest are refused with 429 right after admission). So one account's burst of guesses cannot
   * fill the verification lane for everyone, and is not refused here either.
   */
  private countedVerifications(key: string, count: number): number {
    const own = this.verificationsOf.get(key) ?? 0;
    const cap = this.capOf(key);
    return Math.min(own + count, cap) - Math.min(own, cap);
  }

  /** Work of no user (the dummy digest, direct calls) has no per-user cap. */
  private capOf(key: string): number {
    return key === '' ? Infinity : (this.limits.maxVerificationsPerUser ?? Infinity);
  }

  /** Operations start counting as waiting: admitted. */
  private enter(lane: HashLane, key: string, count: number): void {
    this.backlog[lane] += count;
    if (lane === 'generate') {
      this.ahead.generate += count;
      return;
    }
    this.ahead.verify += this.countedVerifications(key, count);
    this.verificationsOf.set(key, (this.verificationsOf.get(key) ?? 0) + count);
  }

  /** Operations stop counting as waiting: started, or given back. */
  private leave(lane: HashLane, key: string, count: number): void {
    if (count === 0) return;
    this.backlog[lane] -= count;
    if (lane === 'generate') {
      this.ahead.generate -= count;
      return;
    }
    const own = this.verificationsOf.get(key) ?? 0;
    const cap = this.capOf(key);
    this.ahead.verify -= Math.min(own, cap) - Math.min(own - count, cap);
    if (own > count) this.verificationsOf.set(key, own - count);
    else this.verificationsOf.delete(key);
  }

  /** Hands the finished operation's slot straight to the next waiter, so the count never dips. */
  private next(): void {
    const waiter = this.take('verify') ?? this.take('generate');
    if (waiter) waiter.start();
    else this.running--;
  }

  /** The first waiter of the lane's first user; that user moves to the back of the turn. */
  private take(lane: HashLane): Waiter | undefined {
    const queues = this.lanes[lane];
    for (const [key, queue] of queues) {
      const waiter = queue.shift();
      queues.delete(key);
      if (queue.length > 0) queues.set(key, queue);
      if (waiter) return waiter;
    }
    return undefined;
  }

  /**
   * The median of the last `SAMPLES` operations: it follows load and parameters, and a single
   * outlier (the cold first hash, a GC pause) does not move it.
   */
  private measure(ms: number): void {
    this.samples[this.sampleCount++ % SAMPLES] = ms;
    const recent = this.samples.slice(0, Math.min(this.sampleCount, SAMPLES)).sort((a, b) => a - b);
    const mid = recent.length >> 1;
    this.averageMs =
      recent.length % 2 ? recent[mid] : ((recent[mid - 1] ?? 0) + (recent[mid] ?? 0)) / 2;
  }
}
