import { describe, expect, it, jest } from '@jest/globals';
import type { ArgumentsHost, HttpException } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { firstValueFrom, isObservable, type Observable } from 'rxjs';
import {
  InvalidRecoveryCodeException,
  RECOVERY_CODE_INPUT_MESSAGE,
  RecoveryCodeInputException,
  RecoveryCodeStoreUnavailableException,
  TooManyAttemptsException,
} from '../mfa.exceptions.js';
import { deliverContextError } from './context-errors.js';

function hostOf(type: string, args: unknown[]): ArgumentsHost {
  const host = new ExecutionContextHost(args);
  host.setType(type);
  return host;
}

const CODE = 'a1b2c3d4-e5f6-7890-abcd';

describe('deliverContextError', () => {
  describe('on GraphQL', () => {
    it('returns an error whose extensions carry the code and, on a lockout, retryAfter', () => {
      const host = hostOf('graphql', [undefined, { code: CODE }, { req: {} }, {}]);
      const locked = deliverContextError(new TooManyAttemptsException(90_500), host);
      expect(locked).toBeInstanceOf(Error);
      expect(locked).toMatchObject({
        message: 'Too many recovery code attempts. Try again later.',
        extensions: { code: 'too_many_attempts', retryAfter: 91 },
      });
      const invalid = deliverContextError(new InvalidRecoveryCodeException(), host);
      expect((invalid as { extensions: unknown }).extensions).toEqual({
        code: 'invalid_recovery_code',
      });
    });

    it("turns Nest's 'Bad Request' into the code bad_request, with one message", () => {
      const host = hostOf('graphql', [undefined, {}, { req: {} }, {}]);
      const error = deliverContextError(
        new RecoveryCodeInputException(RECOVERY_CODE_INPUT_MESSAGE),
        host,
      );
      expect(error).toMatchObject({
        message: RECOVERY_CODE_INPUT_MESSAGE,
        extensions: { code: 'bad_request' },
      });
    });

    it('carries nothing but the message, the code and retryAfter', () => {
      const host = hostOf('graphql', [undefined, { code: CODE }, { req: {} }, {}]);
      const error = deliverContextError(new RecoveryCodeStoreUnavailableException(), host);
      expect(Object.keys(error as object).sort()).toEqual(['extensions', 'name']);
      expect(JSON.stringify(error)).not.toContain(CODE);
      expect(String((error as Error).stack)).not.toContain(CODE);
    });
  });

  describe('on WebSockets', () => {
    it('emits the exception event to a socket.io client, without the message data', () => {
      const emit = jest.fn();
      const socket = { handshake: { headers: {} }, emit };
      const result = deliverContextError(
        new TooManyAttemptsException(3_000),
        hostOf('ws', [socket, { code: CODE }, 'redeem']),
      );
      expect(result).toBeUndefined();
      expect(emit).toHaveBeenCalledWith('exception', {
        status: 'error',
        statusCode: 429,
        error: 'too_many_attempts',
        message: 'Too many recovery code attempts. Try again later.',
        retryAfter: 3,
      });
      expect(JSON.stringify(emit.mock.calls)).not.toContain(CODE);
    });

    it('sends a native WebSocket the frame { event: "exception", data }, and nothing once closed', () => {
      const send = jest.fn();
      const emit = jest.fn();
      const client = { readyState: 1, send, emit };
      deliverContextError(
        new InvalidRecoveryCodeException(),
        hostOf('ws', [client, { code: CODE }]),
      );
      expect(emit).not.toHaveBeenCalled();
      expect(send).toHaveBeenCalledTimes(1);
      expect(JSON.parse(String(send.mock.calls[0]?.[0]))).toEqual({
        event: 'exception',
        data: {
          status: 'error',
          statusCode: 401,
          error: 'invalid_recovery_code',
          message: 'The recovery code is invalid or has already been used.',
        },
      });
      client.readyState = 3;
      deliverContextError(new InvalidRecoveryCodeException(), hostOf('ws', [client, {}]));
      expect(send).toHaveBeenCalledTimes(1);
    });
  });

  it('errors the Observable a microservice handler returns, with the same payload', async () => {
    const result = deliverContextError(new TooManyAttemptsException(1), hostOf('rpc', [{}, {}]));
    expect(isObservable(result)).toBe(true);
    await expect(firstValueFrom(result as Observable<unknown>)).rejects.toEqual({
      status: 'error',
      statusCode: 429,
      error: 'too_many_attempts',
      message: 'Too many recovery code attempts. Try again later.',
      retryAfter: 1,
    });
  });

  it('rethrows on a transport it does not know', () => {
    const exception: HttpException = new InvalidRecoveryCodeException();
    expect(() => deliverContextError(exception, hostOf('kafka-custom', [{}]))).toThrow(exception);
  });
});
