/**
 * MFA recovery codes for NestJS: the module, the service, `@Auth()` and `@CurrentUser()`, the DTOs
 * and exceptions, and the store interface with its in-memory default. This file names the whole
 * public API one by one.
 * @module @nest-auth/mfa
 */
export { MfaModule } from './mfa.module.js';
export type {
  MfaModuleAsyncOptions,
  MfaModuleExtras,
  MfaOptionsFactory,
} from './mfa.module-definition.js';
export type {
  MfaModuleOptions,
  MfaPepper,
  MfaPepperKey,
  MfaPepperRotation,
  MfaRedeemedContext,
  MfaResetContext,
  MfaRoutesOptions,
  NestAuthRequest,
  RecoveryCodeHashingOptions,
  RedeemRecoveryCodeOptions,
} from './mfa-module-options.interface.js';
export type {
  ResolvedHashingOptions,
  ResolvedMfaOptions,
  ResolvedMfaRoutesOptions,
} from './mfa.options.js';
export {
  DEFAULT_ATTEMPT_WINDOW_MS,
  DEFAULT_HASHING_OPTIONS,
  DEFAULT_LOW_CODES_THRESHOLD,
  DEFAULT_MAX_ACTIVE_CODES,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_ROUTES_GENERATION_LIMIT,
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
  DEFAULT_USER_PROPERTY,
  MAX_AUTHENTICATED_AT_SKEW_MS,
  MAX_RECOVERY_CODE_INPUT_LENGTH,
  MAX_RECOVERY_CODES_PER_BATCH,
  MFA_MODULE_OPTIONS,
} from './mfa.constants.js';
export { MfaService } from './mfa.service.js';
export type { RedeemRecoveryCodeResult, ResetMfaResult } from './mfa-results.interface.js';
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
  RecoveryCodesUnlockedEvent,
  RecoveryCodeUsedEvent,
} from './mfa.events.js';
export type {
  MfaNotice,
  MfaNoticeBase,
  MfaNotify,
  RecoveryCodesIssuedNotice,
  RecoveryCodesLockedOutNotice,
  RecoveryCodesRevokedNotice,
  RecoveryCodeUsedNotice,
} from './mfa.notices.js';
export {
  AUTHENTICATION_REQUIRED_MESSAGE,
  AuthenticationRequiredException,
  INVALID_RECOVERY_CODE_MESSAGE,
  InvalidRecoveryCodeException,
  MFA_REQUIRED_MESSAGE,
  MfaConfigurationError,
  MfaRequiredException,
  REAUTHENTICATION_REQUIRED_MESSAGE,
  ReauthenticationRequiredException,
  RECOVERY_CODE_COUNT_MESSAGE,
  RECOVERY_CODE_INPUT_MESSAGE,
  RECOVERY_CODES_LOCKED_MESSAGE,
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
export type { ResolvedTelemetryOptions } from './telemetry/mfa-telemetry.options.js';
export {
  describeRecoveryCodeFormat,
  type RecoveryCodeFormat,
  type RecoveryCodeFormatDescription,
} from './codes/recovery-code.format.js';
export { Auth } from './auth/auth.decorator.js';
export { CurrentUser } from './auth/current-user.decorator.js';
export { isNestAuthUser, MfaAuthGuard } from './auth/mfa-auth.guard.js';
export type { MfaAuthOptions } from './auth/mfa-auth-options.interface.js';
export { MfaExceptionFilter } from './auth/mfa-exception.filter.js';
export { RetryAfterInterceptor } from './auth/retry-after.interceptor.js';
export type { NestAuthUser } from './auth/nest-auth-user.interface.js';
export { IsRecoveryCodeInput } from './dto/is-recovery-code-input.decorator.js';
export { GenerateRecoveryCodesDto } from './dto/generate-recovery-codes.dto.js';
export { RedeemRecoveryCodeDto } from './dto/redeem-recovery-code.dto.js';
export { ResetMfaDto } from './dto/reset-mfa.dto.js';
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

// GraphQL and WebSocket contexts: no import of @nestjs/graphql or @nestjs/websockets behind these.
export {
  captureUpgradeRequests,
  type UpgradeRequestAdapter,
} from './auth/context/upgrade-request.capture.js';
