import type { NestAuthClient, RecoveryCodeStatus } from '../../client/index.js';
import { NestAuthError } from '../../client/index.js';

/**
 * @internal An in-memory stand-in for the server behind a `NestAuthClient`, with its rules: ten newest codes
 * valid, single use, 400 for malformed input, 401 for a wrong or used code. For component tests
 * under jsdom, which has no `fetch`; the client itself is tested against a real Nest app.
 */
export class FakeNestAuthServer {
  mfaEnabled = true;
  private active: string[] = [];
  private sequence = 0;
  private lastUsedAt: Date | null = null;
  private generatedAt: Date | null = null;

  /** The client the components get; its methods are plain functions, like the real one's. */
  readonly client: NestAuthClient = {
    generateRecoveryCode: async () => {
      const code = this.nextCode();
      this.active = [...this.active, code].slice(-10);
      this.generatedAt = new Date();
      return { code };
    },
    generateRecoveryCodes: async (count = 10) => {
      this.active = Array.from({ length: count }, () => this.nextCode());
      this.generatedAt = new Date();
      return { codes: [...this.active] };
    },
    resetMfa: async (code) => {
      this.consume(code);
      this.mfaEnabled = false;
      return { reset: true };
    },
    redeemRecoveryCode: async (code) => {
      this.consume(code);
      return { remaining: this.active.length };
    },
    getRecoveryCodeStatus: async (): Promise<RecoveryCodeStatus> => ({
      remaining: this.active.length,
      generatedAt: this.active.length ? this.generatedAt : null,
      lastUsedAt: this.lastUsedAt,
    }),
    revokeRecoveryCodes: async () => {
      this.active = [];
    },
  };

  private nextCode(): string {
    const n = (++this.sequence).toString(16).padStart(4, '0');
    return `a1b2c3d4-e5f6-7890-${n}`;
  }

  private consume(code: string): void {
    if (!/^[\x20-\x7e]{1,64}$/.test(code)) {
      const message = 'code must be a string of 1 to 64 printable ASCII characters';
      throw new NestAuthError({ status: 400, error: 'bad_request', message, messages: [message] });
    }
    const index = this.active.indexOf(code.trim().toLowerCase());
    if (index === -1) {
      throw new NestAuthError({
        status: 401,
        error: 'invalid_recovery_code',
        message: 'The recovery code is invalid or has already been used.',
      });
    }
    this.active.splice(index, 1);
    this.lastUsedAt = new Date();
  }
}
