/**
 * MFA recovery codes for NestJS: the module, the service, `@Auth()` and `@CurrentUser()`, the DTOs
 * and exceptions, and the store interface with its in-memory default. This file names the whole
 * public API one by one.
 * @module @nest-auth/mfa
 */
export { MfaModule } from './mfa.module.js';
export {
  MFA_MODULE_OPTIONS,
  type MfaModuleAsyncOptions,
  type MfaModuleExtras,
  type MfaOptionsFactory,
} from './mfa.module-definition.js';
export type {
  MfaModuleOptions,
  NestAuthRequest,
  RecoveryCodeHashingOptions,
} from './mfa-module-options.interface.js';
export {
  DEFAULT_ATTEMPT_WINDOW_MS,
  DEFAULT_HASHING_OPTIONS,
  DEFAULT_LOW_CODES_THRESHOLD,
  DEFAULT_MAX_ACTIVE_CODES,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_ROUTES_GENERATION_LIMIT,
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
  MAX_RECOVERY_CODE_INPUT_LENGTH,
  MAX_RECOVERY_CODES_PER_BATCH,
} from './mfa.constants.js';
export { MfaService } from './mfa.service.js';
export type {
  MfaEvent,
  MfaEventBase,
  MfaResetEvent,
  RecoveryCodeFailedAttemptEvent,
  RecoveryCodeLockedOutEvent,
  RecoveryCodesExhaustedEvent,
  RecoveryCodesGeneratedEvent,
  RecoveryCodesLowEvent,
  RecoveryCodesRevokedEvent,
  RecoveryCodeUsedEvent,
} from './mfa.events.js';
export {
  INVALID_RECOVERY_CODE_MESSAGE,
  InvalidRecoveryCodeException,
  MfaConfigurationError,
  RECOVERY_CODE_COUNT_MESSAGE,
  RECOVERY_CODE_INPUT_MESSAGE,
  RecoveryCodeInputException,
  RecoveryCodeStoreUnavailableException,
  STORE_UNAVAILABLE_MESSAGE,
  TOO_MANY_ATTEMPTS_MESSAGE,
  TooManyAttemptsException,
} from './mfa.exceptions.js';
export {
  MFA_OVERLOADED_MESSAGE,
  MfaOverloadedException,
  TOO_MANY_GENERATIONS_MESSAGE,
  TooManyGenerationsException,
} from './mfa-limits.exceptions.js';
export type {
  MfaGenerationLimit,
  RecoveryCodeGenerationOptions,
} from './mfa-generation-limit.interface.js';
export type {
  MfaMeterProvider,
  MfaTelemetryOptions,
  MfaTracerProvider,
} from './telemetry/mfa-telemetry-options.interface.js';
export {
  describeRecoveryCodeFormat,
  type RecoveryCodeFormat,
  type RecoveryCodeFormatDescription,
} from './codes/recovery-code.format.js';
export { Auth } from './auth/auth.decorator.js';
export { CurrentUser } from './auth/current-user.decorator.js';
export { isNestAuthUser, MfaAuthGuard } from './auth/mfa-auth.guard.js';
export { RetryAfterInterceptor } from './auth/retry-after.interceptor.js';
export type { NestAuthUser } from './auth/nest-auth-user.interface.js';
export { IsRecoveryCodeInput } from './dto/is-recovery-code-input.decorator.js';
export { GenerateRecoveryCodesDto } from './dto/generate-recovery-codes.dto.js';
export { RedeemRecoveryCodeDto } from './dto/redeem-recovery-code.dto.js';
export { ResetMfaDto } from './dto/reset-mfa.dto.js';
export type { MfaRoutesOptions } from './routes/mfa-routes.controller.js';
export type { MfaRoutesPolicyOptions } from './routes/mfa-routes-policy-options.interface.js';
export {
  CROSS_ORIGIN_REQUEST_MESSAGE,
  CrossOriginRequestException,
  JSON_BODY_REQUIRED_MESSAGE,
  JsonBodyRequiredException,
} from './routes/mfa-request-policy.exceptions.js';
export { MfaValidationPipe } from './routes/mfa-validation.pipe.js';
export {
  RecoveryCodeStore,
  type ActiveRecoveryCode,
  type ConsumeResult,
  type NewRecoveryCodeRecord,
  type RecoveryCodeStatus,
  type StoredRecoveryCode,
} from './store/recovery-code-store.interface.js';
export {
  AttemptStore,
  type AttemptPolicy,
  type AttemptReservation,
  type QuotaPolicy,
  type QuotaReservation,
} from './store/attempt-store.interface.js';
export {
  InMemoryRecoveryCodeStore,
  type InMemoryRecoveryCodeStoreOptions,
} from './store/in-memory-recovery-code.store.js';
