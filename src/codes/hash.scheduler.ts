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
}

/** @internal Thrown by `reserve()` when the backlog is full. */
export class HashQueueFullError extends Error {
  constructor(
    /** How long the current backlog takes to drain, at the measured operation time. */
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
        this.scheduler.admit(1);
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
    this.scheduler.giveBack(this.unused);
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
 * - **A bounded backlog.** Operations admitted but not yet running are counted, and admission
 *   beyond the cap fails at once (`HashQueueFullError`), so nothing queues without bound. The
 *   default cap is about `queueBudgetMs` of work at the measured operation time (an average of
 *   recent operations), so it follows the real cost of the parameters on this machine.
 */
export class HashScheduler {
  private running = 0;
  /** Admitted and not started: reserved by tickets, or waiting in a lane. */
  private backlog = 0;
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

  /** The cap on waiting operations now: fixed, or derived from the measured operation time. */
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

  /** Operations admitted and not yet running. */
  get waiting(): number {
    return this.backlog;
  }

  /**
   * Admits `count` operations of `key` in `lane`, or throws `HashQueueFullError` admitting none.
   */
  reserve(lane: HashLane, key: string, count: number): HashTicket {
    this.admit(count);
    return new HashTicket(this, lane, key, count);
  }

  /** @internal Counts `count` more operations into the backlog, or refuses them all. */
  admit(count: number): void {
    if (this.backlog + count > this.maxQueue) {
      const perOperation = this.averageMs ?? this.limits.assumedOperationMs;
      // The backlog drains `concurrency` operations per operation time.
      throw new HashQueueFullError(
        Math.ceil(((this.backlog + this.running) * perOperation) / this.concurrency),
      );
    }
    this.backlog += count;
  }

  /** @internal Returns reserved operations that will not run. */
  giveBack(count: number): void {
    this.backlog -= count;
  }

  /**
   * @internal Runs an admitted operation now if a slot is free, else queues it in its lane and
   * user queue.
   */
  enqueue<T>(lane: HashLane, key: string, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.backlog--;
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
