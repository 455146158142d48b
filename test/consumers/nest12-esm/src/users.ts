/** A stand-in for the app's user records: who has MFA enabled. */
export const usersWithMfa = new Set<string>(['alice']);
