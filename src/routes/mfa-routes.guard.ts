import {
  ForbiddenException,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
  type Type,
} from '@nestjs/common';
import { ModuleRef, ModulesContainer, Reflector } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';
import type { MfaAuthOptions } from '../auth/mfa-auth-options.interface.js';
import { MfaAuthGuard } from '../auth/mfa-auth.guard.js';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import { MFA_ROUTES_REAUTH_METADATA, RESOLVED_MFA_OPTIONS } from '../mfa.internal-constants.js';
import type { ResolvedMfaOptions } from '../mfa.options.js';

/** @internal The parts of Nest's `Module` this guard reads (`ModulesContainer` values). */
interface NestModuleLike {
  imports: Set<unknown>;
  providers: Map<unknown, { instance: unknown }>;
}

/**
 * @internal The ready-made routes' guard: runs `routes.guards` in order, then `@Auth()`'s checks
 * with `routes.maxAuthAge` added on the routes marked for it. One guard rather than
 * `@UseGuards(...routes.guards, MfaAuthGuard)`, because the route options may come from the
 * `forRootAsync` factory, after the controller class exists.
 */
@Injectable()
export class MfaRoutesGuard extends MfaAuthGuard {
  private guards: CanActivate[] = [];

  constructor(
    @Inject(RESOLVED_MFA_OPTIONS) private readonly routesOptions: ResolvedMfaOptions,
    reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    private readonly modules: ModulesContainer,
  ) {
    super(routesOptions, reflector, moduleRef);
  }

  /** Instantiates the guard classes of `routes.guards` at startup. */
  override async onModuleInit(): Promise<void> {
    super.onModuleInit();
    const guards = this.routesOptions.routes?.guards ?? [];
    this.guards = await Promise.all(guards.map((guard) => this.instantiate(guard)));
  }

  /** `routes.guards`, then `@Auth()`'s checks. */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    for (const guard of this.guards) {
      const result = guard.canActivate(context);
      const allowed = isObservable(result) ? await lastValueFrom(result) : await result;
      // Nest's own answer to a guard that returns false.
      if (!allowed) throw new ForbiddenException('Forbidden resource');
    }
    return super.canActivate(context);
  }

  /** `@Auth()`'s options, plus `routes.maxAuthAge` on generate and revoke. */
  protected override getAuthOptions(context: ExecutionContext): MfaAuthOptions {
    const options = super.getAuthOptions(context);
    const maxAuthAge = this.routesOptions.routes?.maxAuthAge;
    const reauth = this.reflector.get<boolean | undefined>(
      MFA_ROUTES_REAUTH_METADATA,
      context.getHandler(),
    );
    return reauth && maxAuthAge !== undefined ? { ...options, maxAuthAge } : options;
  }

  // A class is built by the injector of the module that imports MfaModule, as if that module had
  // declared it with @UseGuards(): AuthGuard('jwt') then sees the PassportModule.register() that
  // module imports. Without such a module (MfaModule as the root), MfaModule's own injector.
  private async instantiate(guard: CanActivate | Type<CanActivate>): Promise<CanActivate> {
    if (typeof guard !== 'function') return guard;
    const instance: unknown = await (this.importerModuleRef() ?? this.moduleRef).create(guard);
    if (typeof (instance as Partial<CanActivate> | null)?.canActivate !== 'function') {
      throw new MfaConfigurationError(
        `\`routes.guards\` holds ${guard.name || 'a class'}, which has no canActivate(): list guard classes or instances only, such as AuthGuard('jwt').`,
      );
    }
    return instance as CanActivate;
  }

  private importerModuleRef(): ModuleRef | undefined {
    const modules = [...this.modules.values()] as unknown as NestModuleLike[];
    const own = modules.find(
      (module) => module.providers.get(RESOLVED_MFA_OPTIONS)?.instance === this.routesOptions,
    );
    const importer = own && modules.find((module) => module.imports.has(own));
    const ref = importer?.providers.get(ModuleRef)?.instance;
    return ref instanceof ModuleRef ? ref : undefined;
  }
}
