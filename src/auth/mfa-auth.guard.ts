import {
  Inject,
  Injectable,
  Optional,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { MODULE_OPTIONS_TOKEN } from '../mfa.module-definition.js';
import type { MfaModuleOptions, NestAuthRequest } from '../mfa-module-options.interface.js';
import type { NestAuthUser } from './nest-auth-user.interface.js';

/**
 * The guard behind `@Auth()`. Authenticates with `options.authenticate(request)` when set, else
 * accepts a `request.user` set upstream (passport, a middleware). No user: 401. On success it sets
 * `request.user`. The options are optional so the guard also works in modules that do not import
 * `MfaModule`. Subclass it and override the `protected` hooks to adapt.
 * @publicApi
 */
@Injectable()
export class MfaAuthGuard implements CanActivate {
  constructor(
    @Optional() @Inject(MODULE_OPTIONS_TOKEN) private readonly options?: MfaModuleOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = this.getRequest(context);
    const user = this.options?.authenticate
      ? await this.options.authenticate(request)
      : (request.user ?? rawRequestUser(request));
    if (!isNestAuthUser(user)) this.handleUnauthenticated(request);
    request.user = user;
    return true;
  }

  /** The request to authenticate. Override for GraphQL or other transports. */
  protected getRequest(context: ExecutionContext): NestAuthRequest {
    return context.switchToHttp().getRequest<NestAuthRequest>();
  }

  /** Throws the 401. Override to throw your own error. */
  protected handleUnauthenticated(_request: NestAuthRequest): never {
    throw new UnauthorizedException();
  }
}

/**
 * On Fastify, Nest middleware receives the raw Node request (`request.raw`), so a `user` a
 * middleware set is there rather than on the Fastify request the guard sees.
 */
function rawRequestUser(request: NestAuthRequest): unknown {
  const raw = request.raw;
  return typeof raw === 'object' && raw !== null ? (raw as { user?: unknown }).user : undefined;
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
