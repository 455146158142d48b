import {
  HttpException,
  Inject,
  Injectable,
  Logger,
  Optional,
  type CanActivate,
  type ExecutionContext,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import {
  AuthenticationRequiredException,
  MfaConfigurationError,
  MfaRequiredException,
  ReauthenticationRequiredException,
} from '../mfa.exceptions.js';
import {
  MFA_AUTH_GUARD_LOGGER_CONTEXT,
  MFA_AUTH_OPTIONS_METADATA,
  RESOLVED_MFA_OPTIONS,
} from '../mfa.internal-constants.js';
import type { NestAuthRequest } from '../mfa-module-options.interface.js';
import type { ResolvedMfaOptions } from '../mfa.options.js';
import { getAuthRequest } from './auth-context.js';
import { isMfaPending, isRecentAuthentication } from './authentication-age.js';
import type { MfaAuthOptions } from './mfa-auth-options.interface.js';
import type { NestAuthUser } from './nest-auth-user.interface.js';
import { readUpstreamUser, writeRequestUser } from './request-user.js';

/**
 * The guard behind `@Auth()`. In order: authenticates with `options.authenticate(request)` when
 * set, else takes the user an upstream guard or middleware set on `request[userProperty]`
 * (none: 401 `unauthorized`); refuses a session that still owes the second factor unless
 * `allowMfaPending` (401 `mfa_required`); refuses a sign-in older than `maxAuthAge` (401
 * `reauthentication_required`). On success it sets `request[userProperty]`.
 *
 * It reads the options `MfaModule` resolved. In a module that does not import `MfaModule` it finds
 * them in the app at startup, and the app fails to start when there is no `MfaModule` at all: it
 * never skips `authenticate`. Subclass it and override the `protected` hooks to adapt.
 * @publicApi
 */
@Injectable()
export class MfaAuthGuard implements CanActivate, OnModuleInit {
  private readonly logger = new Logger(MFA_AUTH_GUARD_LOGGER_CONTEXT);
  private options: ResolvedMfaOptions | undefined;

  /** Reads `@Auth()` metadata; subclasses may read their own with it. */
  protected readonly reflector: Reflector;

  /**
   * Nest injects the resolved options (when the host module imports `MfaModule`), the reflector
   * and the module reference used to find the options elsewhere in the app.
   */
  constructor(
    @Optional() @Inject(RESOLVED_MFA_OPTIONS) options?: ResolvedMfaOptions,
    @Optional() reflector?: Reflector,
    @Optional() private readonly appModuleRef?: ModuleRef,
  ) {
    this.options = options;
    this.reflector = reflector ?? new Reflector();
  }

  /** Finds the options at startup, or fails the startup with the fix. */
  onModuleInit(): void {
    this.resolvedOptions();
  }

  /** Authenticates the request and checks the session against the route's `MfaAuthOptions`. */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const options = this.resolvedOptions();
    const requirements = this.getAuthOptions(context);
    const request = this.getRequest(context);
    const user = await this.authenticate(request, options);
    if (!isNestAuthUser(user)) this.handleUnauthenticated(request);
    if (isMfaPending(user) && requirements.allowMfaPending !== true) {
      this.handleMfaPending(request, user);
    }
    if (
      requirements.maxAuthAge !== undefined &&
      !isRecentAuthentication(user.authenticatedAt, requirements.maxAuthAge, this.now())
    ) {
      this.handleReauthenticationRequired(request, user);
    }
    writeRequestUser(request, options.userProperty, user);
    return true;
  }

  /** The route's requirements: `@Auth()` on the method overrides `@Auth()` on its class. */
  protected getAuthOptions(context: ExecutionContext): MfaAuthOptions {
    return (
      this.reflector.getAllAndOverride<MfaAuthOptions | undefined>(MFA_AUTH_OPTIONS_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? {}
    );
  }

  /** The request to authenticate: the HTTP request, also on GraphQL and WebSockets. */
  protected getRequest(context: ExecutionContext): NestAuthRequest {
    return getAuthRequest(context);
  }

  /**
   * The user: `authenticate(request)` when configured, else the upstream user. An `HttpException`
   * passes through; any other error means no user, and only its name is logged (a message may
   * hold a token).
   */
  protected async authenticate(
    request: NestAuthRequest,
    options: ResolvedMfaOptions,
  ): Promise<unknown> {
    if (!options.authenticate) return readUpstreamUser(request, options.userProperty);
    try {
      return await options.authenticate(request);
    } catch (error) {
      if (error instanceof HttpException) throw error;
      this.logger.warn(`authenticate() threw ${errorName(error)}; answering 401 unauthorized`);
      return undefined;
    }
  }

  /** The current time in epoch ms, for `maxAuthAge`. Override to use your own clock. */
  protected now(): number {
    return Date.now();
  }

  /** Throws the 401 `unauthorized`. Override to throw your own error. */
  protected handleUnauthenticated(_request: NestAuthRequest): never {
    throw new AuthenticationRequiredException();
  }

  /** Throws the 401 `mfa_required`. Override to throw your own error. */
  protected handleMfaPending(_request: NestAuthRequest, _user: NestAuthUser): never {
    throw new MfaRequiredException();
  }

  /** Throws the 401 `reauthentication_required`. Override to throw your own error. */
  protected handleReauthenticationRequired(_request: NestAuthRequest, _user: NestAuthUser): never {
    throw new ReauthenticationRequiredException();
  }

  private resolvedOptions(): ResolvedMfaOptions {
    this.options ??= this.findOptionsInApp();
    if (!this.options) {
      throw new MfaConfigurationError(
        '@Auth() (MfaAuthGuard) found no MfaModule in this app, so it cannot authenticate: import MfaModule.forRoot() or MfaModule.forRootAsync() in your AppModule.',
      );
    }
    return this.options;
  }

  // Outside MfaModule's import graph (a feature module that does not import it, and MfaModule is
  // not global), the options are still in the app: look them up across every module.
  private findOptionsInApp(): ResolvedMfaOptions | undefined {
    try {
      return this.appModuleRef?.get<ResolvedMfaOptions>(RESOLVED_MFA_OPTIONS, { strict: false });
    } catch {
      return undefined;
    }
  }
}

/**
 * Whether a value is a `NestAuthUser`: an object with a non-empty string `id`.
 * @publicApi
 */
export function isNestAuthUser(value: unknown): value is NestAuthUser {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { id?: unknown }).id === 'string' &&
    (value as { id: string }).id.length > 0
  );
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
