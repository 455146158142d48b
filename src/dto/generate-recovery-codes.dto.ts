import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_RECOVERY_CODES_PER_BATCH } from '../mfa.constants.js';

/**
 * Body of a regenerate endpoint: `{ count? }`, an integer from 1 to 100. Default: `maxActiveCodes`.
 * @publicApi
 */
export class GenerateRecoveryCodesDto {
  /** How many codes the new set holds. Default: `maxActiveCodes`. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RECOVERY_CODES_PER_BATCH)
  count?: number;
}
