/**
 * DEMO ONLY: whether each demo user has MFA on, in memory. `onMfaReset` turns it off, as a real
 * app's `users.disableMfa(userId)` would.
 */
export class DemoUsers {
  private readonly mfaOff = new Set<string>();

  mfaEnabled(userId: string): boolean {
    return !this.mfaOff.has(userId);
  }

  disableMfa(userId: string): void {
    this.mfaOff.add(userId);
  }

  /** Stands in for enrolling a new authenticator. */
  enableMfa(userId: string): void {
    this.mfaOff.delete(userId);
  }
}
