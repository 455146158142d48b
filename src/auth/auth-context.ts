import type { ExecutionContext } from '@nestjs/common';
import type { NestAuthRequest } from '../mfa-module-options.interface.js';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import { graphqlRequest } from './context/graphql.context.js';
import { wsRequest } from './context/ws.context.js';

/**
 * @internal The request object `@Auth()` passes to `authenticate(request)` and sets the user on,
 * and `@CurrentUser()` reads it from, for the context the handler runs in:
 * - `http`: the Express or Fastify request;
 * - `graphql`: the HTTP request behind the operation, from the GraphQL context (`context.req`);
 * - `ws`: socket.io's `socket.handshake`, or the ws adapter's upgrade request.
 *
 * Reads only `getType()` and the handler's arguments, so neither `@nestjs/graphql` nor
 * `@nestjs/websockets` is imported: apps without them load none of this.
 * @throws MfaConfigurationError when the context carries no request, with the fix in its message.
 */
export function getAuthRequest(context: ExecutionContext): NestAuthRequest {
  const type = context.getType<string>();
  switch (type) {
    case 'http':
      return context.switchToHttp().getRequest<NestAuthRequest>();
    case 'graphql':
      // Resolver arguments are `[root, args, context, info]`.
      return graphqlRequest(context.getArgs()[2]);
    case 'ws':
      return wsRequest(context.switchToWs().getClient<unknown>());
    default:
      throw new MfaConfigurationError(
        `@Auth() and @CurrentUser() work in HTTP controllers, GraphQL resolvers and WebSocket gateways, not in a '${type}' handler: authenticate there yourself and call MfaService directly.`,
      );
  }
}
