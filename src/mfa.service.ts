import {
  HttpException,
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import {
  deriveLookupKey,
  generateRecoveryCodeValue,
  parseRecoveryCode,
  type GeneratedRecoveryCode,
} from './codes/recovery-code.format.js';
import type { HashTicket } from './codes/hash.scheduler.js';
import { RecoveryCodeHasher } from './codes/recovery-code.hasher.js';
import { MAX_RECOVERY_CODE_INPUT_LENGTH, MAX_RECOVERY_CODES_PER_BATCH } from './mfa.constants.js';
import type { MfaEvent } from './mfa.events.js';
import { MfaNotifier } from './mfa.notifier.js';
import type { RedeemRecoveryCodeResult, ResetMfaResult } from './mfa-results.interface.js';
import {
  InvalidRecoveryCodeException,
  MfaConfigurationError,
  RECOVERY_CODE_COUNT_MESSAGE,
  RECOVERY_CODE_INPUT_MESSAGE,
  RecoveryCodeInputException,
  RecoveryCodeStoreUnavailableException,
  TooManyAttemptsException,
} from './mfa.exceptions.js';
import {
  GENERATION_QUOTA_SCOPE,
  LOOKUP_COLLISION_RETRIES,
  MFA_LOGGER_CONTEXT,
  PRINTABLE_ASCII,
  RESOLVED_MFA_OPTIONS,
} from './mfa.internal-constants.js';
import { weakSettingWarnings, type ResolvedMfaOptions } from './mfa.options.js';
import { MfaTelemetry } from './telemetry/mfa-telemetry.js';
import { Traced } from './telemetry/traced.decorator.js';
import { resolveGenerationLimit } from './mfa-generation-limit.js';
import type {
  MfaGenerationLimit,
  RecoveryCodeGenerationOptions,
} from './mfa-generation-limit.interface.js';
import { TooManyGenerationsException } from './mfa-limits.exceptions.js';
import { AttemptStore } from './store/attempt-store.interface.js';
import type { MfaResetContext, RedeemRecoveryCodeOptions } from './mfa-module-options.interface.js';
import {
  RecoveryCodeStore,
  type ActiveRecoveryCode,
  type RecoveryCodeStatus,
} from './store/recovery-code-store.interface.js';

/**
 * The recovery code lifecycle: generate, redeem, reset, status, revoke, and `events$`.
 *
 * Codes leave this service exactly once, in the result of a generate call. Stores, logs, events
 * and exceptions only ever see user ids, lookup keys and argon2id digests.
 * @publicApi
 */
@Injectable()
export class MfaService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(MFA_LOGGER_CONTEXT);
  private readonly events = new Subject<MfaEvent>();
  private readonly notifier: MfaNotifier;

  /** Every lifecycle event, as it happens. Events carry user ids and never codes. */
  readonly events$: Observable<MfaEvent> = this.events.asObservable();

  /** @internal Nest injects the resolved options, both stores, the hasher and the telemetry. */
  constructor(
    @Inject(RESOLVED_MFA_OPTIONS) private readonly options: ResolvedMfaOptions,
    @Inject(RecoveryCodeStore) private readonly store: RecoveryCodeStore,
    @Inject(AttemptStore) private readonly attempts: AttemptStore,
    private readonly hasher: RecoveryCodeHasher,
    private readonly telemetry: MfaTelemetry,
  ) {
    this.notifier = new MfaNotifier(options.notify, this.logger);
  }

  /** @internal Warns once at startup about settings that work but fall short of a standard. */
  onModuleInit(): void {
    for (const warning of weakSettingWarnings(this.options)) this.logger.warn(warning);
  }

  /**
   * Creates one code and returns it; this is the only time it is visible. The user keeps the
   * newest `maxActiveCodes` unused codes: older ones stop working at once, so ten calls (even
   * concurrent ones) leave exactly those ten valid.
   * @param options `generationLimit` for this call. Default: the module's (none unless set).
   * @throws TooManyGenerationsException (429) past the generation limit; nothing changes.
   * @throws MfaOverloadedException (503) when the hashing backlog is full; nothing changes.
   * @example
   * const { code } = await mfa.generateRecoveryCode(user.id); // 'a1b2c3d4-e5f6-7890-abcd'
   */
  @Traced('generate_recovery_code', () => ({ 'mfa.codes.count': 1 }))
  async generateRecoveryCode(
    userId: string,
    options?: RecoveryCodeGenerationOptions,
  ): Promise<{
    /** The new code, formatted for display. */
    code: string;
  }> {
    requireUserId(userId);
    const limit = this.generationLimitOf(options);
    const hashing = this.hasher.reserve('generate', userId);
    let code: string;
    try {
      await this.reserveGeneration(userId, limit);
      code = await this.issueOne(userId, hashing);
    } finally {
      hashing.release();
    }
    this.emit({ type: 'generated', userId, count: 1, replaced: false });
    this.notifier.send({
      kind: 'codes_issued',
      userId,
      replaced: false,
      remaining: () => this.countRemaining(userId),
    });
    return { code };
  }

  /**
   * Creates a fresh set of `count` codes (default `maxActiveCodes`) that atomically replaces
   * every earlier code, and lifts a consecutive-failure lock. Call it from a fully signed-in
   * session only. Hashing runs concurrently on libuv's thread pool. The set counts as one call
   * against the generation limit.
   * @param options `generationLimit` for this call. Default: the module's (none unless set).
   * @throws RecoveryCodeInputException (400) for a bad `count`.
   * @throws TooManyGenerationsException (429) past the generation limit; nothing changes.
   * @throws MfaOverloadedException (503) when the hashing backlog has no room for the whole set;
   * nothing changes.
   */
  @Traced('generate_recovery_codes', (r: { codes: string[] }) => ({
    'mfa.codes.count': r.codes.length,
  }))
  async generateRecoveryCodes(
    userId: string,
    count?: number,
    options?: RecoveryCodeGenerationOptions,
  ): Promise<{
    /** The new codes, formatted for display. */
    codes: string[];
  }> {
    requireUserId(userId);
    const size = count ?? this.options.maxActiveCodes;
    if (
      typeof size !== 'number' ||
      !Number.isInteger(size) ||
      size < 1 ||
      size > Math.min(MAX_RECOVERY_CODES_PER_BATCH, this.options.maxActiveCodes)
    ) {
      throw new RecoveryCodeInputException(RECOVERY_CODE_COUNT_MESSAGE);
    }
    const limit = this.generationLimitOf(options);
    // The whole set is admitted to the hashing queue, or refused, before anything is counted or
    // hashed; then it counts once against the generation limit.
    const hashing = this.hasher.reserve('generate', userId, size);
    let codes: GeneratedRecoveryCode[];
    try {
      await this.reserveGeneration(userId, limit);
      codes = distinctLookups(size, () => generateRecoveryCodeValue(this.options.codeFormat));
      const records = await Promise.all(
        codes.map(async (code) => ({
          lookupKey: this.currentLookupKey(userId, code.lookup),
          digest: await this.hasher.hash(code.canonical, this.secret(0), hashing),
        })),
      );
      await this.guard('replaceAll', () => this.store.replaceAll(userId, records));
    } finally {
      hashing.release();
    }
    // A new set starts afresh: it lifts a consecutive-failure lock and clears the window.
    await this.clearAttempts(userId);
    this.emit({ type: 'generated', userId, count: size, replaced: true });
    this.notifier.send({ kind: 'codes_issued', userId, replaced: true, remaining: size });
    return { codes: codes.map((code) => code.display) };
  }

  /**
   * Verifies and consumes one code, for example to sign in instead of TOTP. `options.onRedeemed`
   * runs once the code is consumed; if it throws, the code is restored and the error propagates.
   * With `replaceOnUse`, a redemption that holds also issues one new code in its place, returned as
   * `replacement` to show once, so the number of codes left stays the same.
   * @throws RecoveryCodeInputException (400) for malformed input, before any hashing.
   * @throws InvalidRecoveryCodeException (401) for a wrong, unknown, used or revoked code.
   * @throws TooManyAttemptsException (429) once `maxAttempts` is reached in the window, or while
   * the codes are locked after `maxConsecutiveFailures` (`permanent`); nothing is consumed.
   * @throws MfaOverloadedException (503) when the hashing backlog is full, before the attempt is
   * counted.
   */
  @Traced('redeem_recovery_code', (r: { remaining: number }) => ({
    'mfa.codes.remaining': r.remaining,
  }))
  async redeemRecoveryCode(
    userId: string,
    code: string,
    options: RedeemRecoveryCodeOptions = {},
  ): Promise<RedeemRecoveryCodeResult> {
    requireUserId(userId);
    const consumed = await this.verifyAndConsume(userId, code);
    const { onRedeemed } = options;
    if (onRedeemed) {
      await this.restoreOnFailure(userId, consumed.record, 'onRedeemed', () =>
        onRedeemed({ remaining: consumed.remaining }),
      );
    }
    await this.clearAttempts(userId);
    const replacement = this.options.replaceOnUse
      ? await this.replace(userId, 'redeem')
      : undefined;
    const remaining = consumed.remaining + (replacement ? 1 : 0);
    this.announceUse(userId, 'redeem', remaining);
    if (replacement) this.announceReplacement(userId, remaining);
    return replacement === undefined ? { remaining } : { remaining, replacement };
  }

  /**
   * Verifies and consumes one code, then calls `onMfaReset(userId, context)` (the ready-made route
   * passes `{ request }`). If the hook throws, the code is restored, the attempt stays counted, and
   * the error propagates. Other codes stay valid unless `revokeAllOnReset`. With `replaceOnUse`, it
   * then issues one new code (after the revocation, if any), resolved as `{ replacement }`; without
   * it, it resolves `undefined`.
   * @throws MfaConfigurationError when no `onMfaReset` is configured, before touching the code.
   */
  @Traced('reset_mfa')
  async resetMfa(
    userId: string,
    code: string,
    context?: MfaResetContext,
  ): Promise<ResetMfaResult | undefined> {
    const onMfaReset = this.options.onMfaReset;
    if (!onMfaReset) {
      throw new MfaConfigurationError(
        'resetMfa() needs a hook that disables MFA in your app: configure `onMfaReset` in MfaModule.forRoot() to use resetMfa().',
      );
    }
    requireUserId(userId);
    const { record, remaining } = await this.verifyAndConsume(userId, code);
    await this.restoreOnFailure(userId, record, 'onMfaReset', () => onMfaReset(userId, context));
    await this.clearAttempts(userId);
    const { revokeAllOnReset, replaceOnUse } = this.options;
    if (revokeAllOnReset) await this.guard('revokeAll', () => this.store.revokeAll(userId));
    const replacement = replaceOnUse ? await this.replace(userId, 'reset') : undefined;
    const left = (revokeAllOnReset ? 0 : remaining) + (replacement ? 1 : 0);
    this.announceUse(userId, 'reset', left);
    if (revokeAllOnReset) {
      this.emit({ type: 'revoked', userId });
      this.notifier.send({ kind: 'codes_revoked', userId, remaining: 0 });
    }
    if (replacement) this.announceReplacement(userId, left);
    this.emit({ type: 'reset', userId, revokedOthers: revokeAllOnReset });
    return replacement === undefined ? undefined : { replacement };
  }

  /** How many codes remain and when they were generated and last used. Never codes. */
  @Traced('get_recovery_code_status', (r: RecoveryCodeStatus) => ({
    'mfa.codes.remaining': r.remaining,
  }))
  async getRecoveryCodeStatus(userId: string): Promise<RecoveryCodeStatus> {
    requireUserId(userId);
    return this.guard('status', () => this.store.status(userId));
  }

  /** Deletes every code of the user at once. */
  @Traced('revoke_recovery_codes')
  async revokeRecoveryCodes(userId: string): Promise<void> {
    requireUserId(userId);
    await this.guard('revokeAll', () => this.store.revokeAll(userId));
    this.emit({ type: 'revoked', userId });
    this.notifier.send({ kind: 'codes_revoked', userId, remaining: 0 });
  }

  /**
   * An admin action: lifts the user's consecutive-failure lock and clears the attempt window, so
   * the codes the user holds work again. Does not touch the codes.
   * @example
   * await mfa.unlockRecoveryCodes(userId); // after support has verified the user
   */
  @Traced('unlock_recovery_codes')
  async unlockRecoveryCodes(userId: string): Promise<void> {
    requireUserId(userId);
    await this.guard('resetAttempts', () => this.attempts.resetAttempts(userId));
    this.emit({ type: 'unlocked', userId });
  }

  /** @internal Completes `events$` when the app shuts down. */
  onModuleDestroy(): void {
    this.events.complete();
  }

  /**
   * One attempt: validate, reserve, find by lookup key (under each pepper key), one argon2
   * verification (against a dummy digest on a miss), compare-and-set consume. The caller clears
   * the attempt counter once the effect of the code holds.
   */
  private async verifyAndConsume(
    userId: string,
    input: unknown,
  ): Promise<{ record: ActiveRecoveryCode; remaining: number }> {
    if (
      typeof input !== 'string' ||
      input.length < 1 ||
      input.length > MAX_RECOVERY_CODE_INPUT_LENGTH ||
      !PRINTABLE_ASCII.test(input)
    ) {
      throw new RecoveryCodeInputException(RECOVERY_CODE_INPUT_MESSAGE);
    }
    // Room in the hashing queue first: an overload refusal (503) must not count an attempt.
    const hashing = this.hasher.reserve('verify', userId);
    try {
      return await this.checkAndConsume(userId, input, hashing);
    } finally {
      hashing.release();
    }
  }

  private async checkAndConsume(
    userId: string,
    input: string,
    hashing: HashTicket,
  ): Promise<{ record: ActiveRecoveryCode; remaining: number }> {
    const { maxAttempts, attemptWindowMs, maxConsecutiveFailures } = this.options;
    const reservation = await this.guard('reserveAttempt', () =>
      this.attempts.reserveAttempt(userId, {
        maxAttempts,
        windowMs: attemptWindowMs,
        maxConsecutiveFailures,
      }),
    );
    if (!reservation.allowed) {
      throw new TooManyAttemptsException(reservation.locked ? null : reservation.retryAfterMs);
    }

    const parsed = parseRecoveryCode(input, this.options.codeFormat);
    const found = parsed
      ? await this.findActive(userId, this.lookupKeys(userId, parsed.lookup))
      : null;
    const record = found?.record ?? null;
    const digest = record?.digest ?? (await this.hasher.dummyDigest());
    // The key whose lookup found the record verifies it: one verification, whatever the keys.
    const matches = await this.hasher.verify(
      digest,
      parsed?.canonical ?? input,
      this.secret(found?.keyIndex ?? 0),
      hashing,
    );
    const consumed =
      matches && record
        ? await this.guard('consume', () => this.store.consume(userId, record.id))
        : null;

    if (!record || !consumed) {
      const { attempts, failures } = reservation;
      this.emit({
        type: 'failed_attempt',
        userId,
        attempts,
        maxAttempts,
        failures,
        maxConsecutiveFailures,
      });
      // The store hands out each failure count once, so only the attempt that reached the cap
      // (and failed) announces the lock: it fires once per lock, however many attempts race.
      const permanent = failures >= maxConsecutiveFailures;
      if (permanent || attempts >= maxAttempts) {
        this.emit({
          type: 'locked_out',
          userId,
          until: permanent ? null : new Date(Date.now() + attemptWindowMs),
          permanent,
        });
        this.notifier.send({
          kind: 'locked_out',
          userId,
          permanent,
          remaining: () => this.countRemaining(userId),
        });
      }
      throw new InvalidRecoveryCodeException();
    }
    return { record, remaining: consumed.remaining };
  }

  /**
   * Forgets the attempts after a success whose effect held. The code is spent and its effect is
   * the caller's: a failure to clear the counter must not turn a success into an error.
   */
  private async clearAttempts(userId: string): Promise<void> {
    await this.telemetry
      .store('resetAttempts', () => this.attempts.resetAttempts(userId))
      .catch((error: unknown) => {
        this.telemetry.storeFault('resetAttempts');
        this.logger.warn(
          `Could not clear recovery code attempts of user ${userId}: ${describe(error)}`,
        );
      });
  }

  /**
   * Creates one code under the current pepper key and adds it; returns its display form. `ticket`
   * is the hashing place the caller reserved for the user.
   */
  private async issueOne(userId: string, ticket?: HashTicket): Promise<string> {
    for (let attempt = 0; attempt < LOOKUP_COLLISION_RETRIES; attempt++) {
      const code = generateRecoveryCodeValue(this.options.codeFormat);
      const [lookupKey, ...earlier] = this.lookupKeys(userId, code.lookup);
      // A lookup part still active under a previous key would let one guess find two records.
      if (earlier.length > 0 && (await this.findActive(userId, earlier))) continue;
      const digest = await this.hasher.hash(code.canonical, this.secret(0), ticket);
      const record = { lookupKey, digest };
      const added = await this.guard('append', () =>
        this.store.append(userId, record, this.options.maxActiveCodes),
      );
      if (added) return code.display;
    }
    // Only reachable with a broken store: five random lookup parts cannot all collide.
    throw new MfaConfigurationError(
      'The recovery code store refused every new code as a duplicate: check that `append()` of your RecoveryCodeStore compares lookup keys of unused codes only.',
    );
  }

  /**
   * `replaceOnUse`: one new code in place of the used one. The used code stays used whatever
   * happens here, so a failure is logged and reported as `null`, never thrown.
   */
  private async replace(userId: string, purpose: 'redeem' | 'reset'): Promise<string | null> {
    try {
      // The user's own place in the generation lane, as for any code of theirs.
      const ticket = this.hasher.reserve('generate', userId);
      try {
        return await this.issueOne(userId, ticket);
      } finally {
        ticket.release();
      }
    } catch (error) {
      this.logger.error(
        `Could not issue the replacement recovery code of user ${userId} after a ${purpose}; the used code stays used: ${describe(error)}`,
      );
      return null;
    }
  }

  /**
   * The user's unused record under the first of `lookupKeys` that finds one, and that key's
   * index. Every key is read, in parallel, so the store reads do not depend on which key matches.
   */
  private async findActive(
    userId: string,
    lookupKeys: readonly string[],
  ): Promise<{ record: ActiveRecoveryCode; keyIndex: number } | null> {
    const records = await Promise.all(
      lookupKeys.map((lookupKey) =>
        this.guard('findActive', () => this.store.findActive(userId, lookupKey)),
      ),
    );
    const keyIndex = records.findIndex((record) => record !== null);
    const record = records[keyIndex];
    return record ? { record, keyIndex } : null;
  }

  /** The lookup keys of a lookup part: one per pepper key, the current key first. */
  private lookupKeys(userId: string, lookup: string): string[] {
    const keyring = this.options.pepper;
    if (!keyring) return [deriveLookupKey(userId, lookup)];
    return Array.from({ length: keyring.size }, (_, i) => keyring.lookupKey(i, userId, lookup));
  }

  private currentLookupKey(userId: string, lookup: string): string {
    return this.options.pepper?.lookupKey(0, userId, lookup) ?? deriveLookupKey(userId, lookup);
  }

  /** argon2's `secret` for pepper key `index`; none without a pepper. */
  private secret(index: number): Buffer | undefined {
    return this.options.pepper?.secret(index);
  }

  private countRemaining(userId: string): Promise<number> {
    return this.store.status(userId).then((status) => status.remaining);
  }

  private announceUse(userId: string, purpose: 'redeem' | 'reset', remaining: number): void {
    this.emitUsed(userId, purpose, remaining);
    this.notifier.send({ kind: 'code_used', userId, purpose, remaining });
  }

  private announceReplacement(userId: string, remaining: number): void {
    this.emit({ type: 'generated', userId, count: 1, replaced: false });
    this.notifier.send({ kind: 'codes_issued', userId, replaced: false, remaining });
  }

  /** Runs a consumed code's effect; if it throws, the code is restored, so it is never burned. */
  private async restoreOnFailure(
    userId: string,
    record: ActiveRecoveryCode,
    hook: string,
    effect: () => void | Promise<void>,
  ): Promise<void> {
    try {
      await effect();
    } catch (error) {
      const restored = await this.telemetry
        .store('restore', () => this.store.restore(userId, record.id))
        .catch(() => {
          this.telemetry.storeFault('restore');
          return false;
        });
      if (!restored) {
        this.logger.error(
          `${hook} failed and a consumed recovery code of user ${userId} could not be restored`,
        );
      }
      // A valid code whose effect failed: not a failure in a row, but the window keeps the
      // attempt, so failing hooks can neither forgive guesses nor lock the user out.
      await this.telemetry
        .store('releaseFailure', () => this.attempts.releaseFailure(userId))
        .catch((releaseError: unknown) => {
          this.telemetry.storeFault('releaseFailure');
          this.logger.warn(
            `Could not uncount the failure of user ${userId} after ${hook} failed: ${describe(releaseError)}`,
          );
        });
      throw error;
    }
  }

  /** The call's generation limit, else the module's. */
  private generationLimitOf(
    options: RecoveryCodeGenerationOptions | undefined,
  ): MfaGenerationLimit | false {
    return options?.generationLimit === undefined
      ? this.options.generationLimit
      : resolveGenerationLimit('generationLimit', options.generationLimit);
  }

  /** Counts one generation call in the attempt store, or refuses it with 429. */
  private async reserveGeneration(
    userId: string,
    limit: MfaGenerationLimit | false,
  ): Promise<void> {
    if (!limit) return;
    const quota = await this.guard('reserveQuota', () =>
      this.attempts.reserveQuota(userId, GENERATION_QUOTA_SCOPE, {
        limit: limit.max,
        windowMs: limit.windowMs,
      }),
    );
    if (!quota.allowed) throw new TooManyGenerationsException(quota.retryAfterMs);
  }

  private emitUsed(userId: string, purpose: 'redeem' | 'reset', remaining: number): void {
    this.emit({ type: 'used', userId, purpose, remaining });
    if (remaining === 0) this.emit({ type: 'exhausted', userId });
    else if (remaining <= this.options.lowCodesThreshold)
      this.emit({ type: 'low', userId, remaining });
  }

  private emit(event: DistributiveOmit<MfaEvent, 'timestamp'>): void {
    const full = { ...event, timestamp: new Date() } as MfaEvent;
    this.telemetry.event(full);
    this.events.next(full);
  }

  /** Store faults become a 503 with the cause logged; HTTP errors pass through. */
  private async guard<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await this.telemetry.store(operation, call);
    } catch (error) {
      if (error instanceof HttpException) throw error;
      this.telemetry.storeFault(operation);
      this.logger.error(`Recovery code store failed in ${operation}(): ${describe(error)}`);
      throw new RecoveryCodeStoreUnavailableException();
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function requireUserId(userId: unknown): asserts userId is string {
  if (typeof userId !== 'string' || userId.length === 0) {
    throw new TypeError(
      'userId must be a non-empty string: pass the authenticated user id (for example `user.id`).',
    );
  }
}

function distinctLookups(
  count: number,
  draw: () => GeneratedRecoveryCode,
): GeneratedRecoveryCode[] {
  const byLookup = new Map<string, GeneratedRecoveryCode>();
  while (byLookup.size < count) {
    const code = draw();
    if (!byLookup.has(code.lookup)) byLookup.set(code.lookup, code);
  }
  return [...byLookup.values()];
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}
