/**
 * @internal A first-in, first-out limit on how many async tasks run at once. Argon2 runs on libuv's
 * thread pool, which file system, DNS and zlib calls share; a flood of guesses queued there would
 * stall the rest of the app, so hashing waits here instead.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so the count never dips and lets a newcomer in.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
