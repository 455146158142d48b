import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';

/**
 * Headers computed from the body. A fast unkeyed hash of a response that carries codes is a
 * shortcut around argon2, and proxies and monitoring tools log headers: Express adds a weak SHA-1
 * `ETag` to every `res.send()` by default, and `@fastify/etag` or a digest middleware would do the
 * same. (`Content-Length` stays: a code's length is fixed by its format.)
 */
const BODY_DERIVED = new Set(['etag', 'content-md5', 'digest', 'content-digest', 'repr-digest']);

/**
 * @internal Keeps body-derived headers off the responses of the ready-made routes, on Express and
 * Fastify, whoever sets them: the Node response refuses them in `setHeader()` (so Express computes
 * no `ETag` and answers no `If-None-Match` with 304) and drops them in `writeHead()` (where Fastify
 * writes the headers its hooks set).
 */
@Injectable()
export class BodyDerivedHeadersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const response = context.switchToHttp().getResponse<ServerResponse | { raw?: unknown }>();
      const raw = 'raw' in response && response.raw ? response.raw : response;
      if (isServerResponse(raw)) refuseBodyDerivedHeaders(raw);
    }
    return next.handle();
  }
}

function isServerResponse(value: unknown): value is ServerResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ServerResponse).setHeader === 'function' &&
    typeof (value as ServerResponse).writeHead === 'function'
  );
}

function refuseBodyDerivedHeaders(response: ServerResponse): void {
  const setHeader = response.setHeader;
  response.setHeader = function (this: ServerResponse, name, value) {
    return BODY_DERIVED.has(name.toLowerCase()) ? this : setHeader.call(this, name, value);
  } as ServerResponse['setHeader'];

  const writeHead = response.writeHead;
  response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    for (const name of BODY_DERIVED) this.removeHeader(name);
    const headersAt = typeof args[1] === 'string' ? 2 : 1;
    const headers = args[headersAt];
    if (Array.isArray(headers)) args[headersAt] = withoutPairs(headers as OutgoingHttpHeader[]);
    else if (typeof headers === 'object' && headers !== null) {
      args[headersAt] = withoutKeys(headers as OutgoingHttpHeaders);
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}

function withoutKeys(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !BODY_DERIVED.has(name.toLowerCase())),
  );
}

/** `writeHead(status, [name, value, name, value, …])`. */
function withoutPairs(flat: OutgoingHttpHeader[]): OutgoingHttpHeader[] {
  const kept: OutgoingHttpHeader[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const [name, value] = [flat[i], flat[i + 1]];
    if (
      name !== undefined &&
      value !== undefined &&
      !BODY_DERIVED.has(String(name).toLowerCase())
    ) {
      kept.push(name, value);
    }
  }
  return kept;
}
