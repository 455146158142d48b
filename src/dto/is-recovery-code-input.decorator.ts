import { applyDecorators } from '@nestjs/common';
import { IsString, Length, Matches } from 'class-validator';
import { MAX_RECOVERY_CODE_INPUT_LENGTH } from '../mfa.constants.js';
import { RECOVERY_CODE_INPUT_MESSAGE } from '../mfa.exceptions.js';
import { PRINTABLE_ASCII } from '../mfa.internal-constants.js';

/**
 * class-validator rules for a typed recovery code: a string of 1–64 printable ASCII characters.
 * @publicApi
 */
export function IsRecoveryCodeInput(): PropertyDecorator {
  return applyDecorators(
    IsString({ message: RECOVERY_CODE_INPUT_MESSAGE }),
    Length(1, MAX_RECOVERY_CODE_INPUT_LENGTH, { message: RECOVERY_CODE_INPUT_MESSAGE }),
    Matches(PRINTABLE_ASCII, { message: RECOVERY_CODE_INPUT_MESSAGE }),
  );
}
