/**
 * A misconfiguration; its message names the fix.
 * @publicApi
 */
export class MfaConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MfaConfigurationError';
  }
}
