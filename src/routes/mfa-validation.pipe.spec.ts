import { describe, expect, it } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import { GenerateRecoveryCodesDto } from '../dto/generate-recovery-codes.dto.js';
import { ResetMfaDto } from '../dto/reset-mfa.dto.js';
import { RECOVERY_CODE_INPUT_MESSAGE } from '../mfa.exceptions.js';
import { MfaValidationPipe } from './mfa-validation.pipe.js';

const pipe = new MfaValidationPipe();
const body = (metatype: unknown) => ({ type: 'body' as const, metatype: metatype as never });

async function messagesOf(value: unknown, metatype: unknown): Promise<unknown> {
  const error = await pipe.transform(value, body(metatype)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BadRequestException);
  return (error as BadRequestException).getResponse();
}

describe('MfaValidationPipe', () => {
  it('returns a DTO instance holding the body when it is valid', async () => {
    const result = await pipe.transform({ code: 'a1b2c3d4-e5f6-7890-abcd' }, body(ResetMfaDto));
    expect(result).toBeInstanceOf(ResetMfaDto);
    expect(result).toEqual({ code: 'a1b2c3d4-e5f6-7890-abcd' });
  });

  it('answers 400 with the rule messages, each once', async () => {
    expect(await messagesOf({ code: ['x'] }, ResetMfaDto)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [RECOVERY_CODE_INPUT_MESSAGE],
    });
  });

  it('answers 400 for a body that is not a JSON object', async () => {
    for (const value of [[{ code: 'x' }], 'code', 42]) {
      expect(await messagesOf(value, ResetMfaDto)).toMatchObject({
        message: ['request body must be a JSON object'],
      });
    }
  });

  it('keeps the DTO rules when the JSON carries a __proto__ key', async () => {
    const parsed = JSON.parse('{"__proto__": {"code": "smuggled"}, "count": "ten"}') as object;
    expect(await messagesOf(parsed, GenerateRecoveryCodesDto)).toMatchObject({
      message: expect.arrayContaining(['count must be an integer number']),
    });
    const valid = JSON.parse('{"__proto__": {}, "code": "a1b2c3d4"}') as object;
    await expect(pipe.transform(valid, body(ResetMfaDto))).resolves.toBeInstanceOf(ResetMfaDto);
  });

  it('leaves other parameters alone', async () => {
    await expect(pipe.transform('alice', { type: 'param', metatype: String })).resolves.toBe(
      'alice',
    );
  });
});
