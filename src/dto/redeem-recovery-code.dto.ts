import { IsRecoveryCodeInput } from './is-recovery-code-input.decorator.js';

/**
 * Body of a redeem endpoint: `{ code }`, a string of 1–64 printable ASCII characters.
 * @publicApi
 */
export class RedeemRecoveryCodeDto {
  /** The recovery code as the user typed it; case, spaces and dashes do not matter. */
  @IsRecoveryCodeInput()
  code!: string;
}
