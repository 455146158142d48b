/** @internal Characters of a user id or scope that go into a key as they are. */
const SAFE = /[A-Za-z0-9_.@-]/;

/**
 * @internal Escapes a user id (or a quota scope) for a key. Every UTF-16 code unit outside
 * `[A-Za-z0-9_.@-]` becomes `%XX` (below U+0080) or `%uXXXX`, so the mapping is one-to-one, lone
 * surrogates included (UTF-8 would turn them all into U+FFFD), and the result holds neither
 * braces, colons nor glob characters: a user id is data, never key syntax.
 */
export function escapeKeyPart(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (SAFE.test(char)) {
      out += char;
      continue;
    }
    const unit = value.charCodeAt(i);
    out +=
      unit < 0x80
        ? `%${unit.toString(16).toUpperCase().padStart(2, '0')}`
        : `%u${unit.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** @internal The keys of one user, all under one hash tag, so one Cluster slot. */
export interface UserKeys {
  /** Hash of the user's codes. */
  codes: string;
  /** Attempt counter of the current window; expires with the window. */
  attempts: string;
  /** Consecutive failures; no expiry, deleted on success. */
  failures: string;
}

/**
 * @internal `{<prefix>:<escaped user id>}:codes` and its siblings. The tag is everything between
 * the first `{` and the next `}`: neither the prefix nor an escaped id can hold a brace.
 */
export function userKeys(prefix: string, userId: string): UserKeys {
  const tag = hashTag(prefix, userId);
  return { codes: `${tag}:codes`, attempts: `${tag}:attempts`, failures: `${tag}:failures` };
}

/** @internal The key of one quota of one user, in the user's slot. */
export function quotaKey(prefix: string, userId: string, scope: string): string {
  return `${hashTag(prefix, userId)}:quota:${escapeKeyPart(scope)}`;
}

function hashTag(prefix: string, userId: string): string {
  return `{${prefix}:${escapeKeyPart(userId)}}`;
}
