import { createHash } from 'node:crypto';

/** @internal A Lua script and its SHA1, for `EVALSHA` with an `EVAL` fallback. */
export interface RedisScript {
  /** Operation name, for error messages. */
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

/**
 * @internal The first word of the error a script returns when it runs after its deadline, followed
 * by the server's time in ms.
 */
export const DEADLINE_ERROR = 'MFADEADLINE';

/*
 * Every script starts here. `now` is the server's clock in ms (`TIME`), so app instances with
 * different clocks never disagree. ARGV[1] is a deadline on that clock: a command that a client
 * queued or re-sent after the caller gave up (a timeout is a 503) must change nothing, so it
 * refuses before its first write. 0 means no deadline (only the clock script).
 *
 * The codes of a user are one hash:
 *   seq        creation counter, orders codes within the current set
 *   a:<key>    an unused code by lookup key: `<ref>:<createdMs>:<digest>`
 *   u:<ref>    a used code: `<createdMs>:<usedMs>:<#key>:<key><digest>`
 * A ref is `<seq>.<nonce>`, the nonce drawn by the app for each call, so a ref never repeats
 * even after the hash was deleted and `seq` started over: a stale id cannot consume a new code.
 * The id the service sees is `<ref>.<lookup key>`.
 */
const PRELUDE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local deadline = tonumber(ARGV[1])
if deadline > 0 and now > deadline then
  return redis.error_reply('${DEADLINE_ERROR} ' .. string.format('%d', now) .. ' the command reached Redis after its deadline and changed nothing')
end
local function unused_value(ref, created, digest)
  return ref .. ':' .. string.format('%d', created) .. ':' .. digest
end
local function parse_unused(value)
  local ref, created, digest = string.match(value, '^([^:]*):(%d+):(.*)$')
  return ref, tonumber(created), digest
end
local function used_value(created, used, key, digest)
  return string.format('%d', created) .. ':' .. string.format('%d', used) .. ':' .. #key .. ':' .. key .. digest
end
local function parse_used(value)
  local created, used, length, rest = string.match(value, '^(%d+):(%d+):(%d+):(.*)$')
  length = tonumber(length)
  return tonumber(created), tonumber(used), string.sub(rest, 1, length), string.sub(rest, length + 1)
end
local function seq_of(ref)
  return tonumber(string.match(ref, '^(%d+)'))
end
`;

function script(name: string, body: string): RedisScript {
  const source = `${PRELUDE}${body}`;
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** @internal The server's clock, read on the node of the given keys. ARGV: deadline (0). */
export const CLOCK = script('clock', 'return {now}');

/** @internal KEYS: codes. ARGV: deadline, nonce, key1, digest1, key2, digest2, … */
export const REPLACE_ALL = script(
  'replaceAll',
  `
redis.call('DEL', KEYS[1])
local count = (#ARGV - 2) / 2
if count == 0 then return {now} end
local fields = {'seq', count}
for i = 1, count do
  local ref = i .. '.' .. ARGV[2]
  fields[#fields + 1] = 'a:' .. ARGV[1 + 2 * i]
  fields[#fields + 1] = unused_value(ref, now, ARGV[2 + 2 * i])
  -- HSET in slices, well below Lua's limit on unpack()
  if #fields >= 200 or i == count then
    redis.call('HSET', KEYS[1], unpack(fields))
    fields = {}
  end
end
return {now}
`,
);

/** @internal KEYS: codes. ARGV: deadline, nonce, key, digest, maxActive. Reply: now, added (0/1). */
export const APPEND = script(
  'append',
  `
local codes, key, digest = KEYS[1], ARGV[3], ARGV[4]
if redis.call('HEXISTS', codes, 'a:' .. key) == 1 then return {now, 0} end
local ref = redis.call('HINCRBY', codes, 'seq', 1) .. '.' .. ARGV[2]
redis.call('HSET', codes, 'a:' .. key, unused_value(ref, now, digest))
local max_active = tonumber(ARGV[5])
local unused, used = {}, {}
local all = redis.call('HGETALL', codes)
for i = 1, #all, 2 do
  local kind, name = string.sub(all[i], 1, 2), string.sub(all[i], 3)
  if kind == 'a:' then
    local r = parse_unused(all[i + 1])
    unused[#unused + 1] = {seq_of(r), all[i]}
  elseif kind == 'u:' then
    local _, used_at = parse_used(all[i + 1])
    used[#used + 1] = {used_at, seq_of(name), all[i]}
  end
end
-- The newest max_active unused codes stay, and the most recently used code.
table.sort(unused, function(a, b) return a[1] > b[1] end)
for i = max_active + 1, #unused do redis.call('HDEL', codes, unused[i][2]) end
table.sort(used, function(a, b)
  if a[1] ~= b[1] then return a[1] > b[1] end
  return a[2] > b[2]
end)
for i = 2, #used do redis.call('HDEL', codes, used[i][3]) end
if math.min(#unused, max_active) + math.min(#used, 1) == 0 then redis.call('DEL', codes) end
return {now, 1}
`,
);

/** @internal KEYS: codes. ARGV: deadline, key. Reply: now[, ref, createdMs, digest]. */
export const FIND_ACTIVE = script(
  'findActive',
  `
local value = redis.call('HGET', KEYS[1], 'a:' .. ARGV[2])
if not value then return {now} end
local ref, created, digest = parse_unused(value)
return {now, ref, created, digest}
`,
);

/**
 * @internal Compare-and-set. KEYS: codes. ARGV: deadline, ref, key. Reply: now, unused codes left
 * after this one, or -1 when the code was not unused.
 */
export const CONSUME = script(
  'consume',
  `
local codes, ref, key = KEYS[1], ARGV[2], ARGV[3]
local value = redis.call('HGET', codes, 'a:' .. key)
if not value then return {now, -1} end
local current, created, digest = parse_unused(value)
if current ~= ref then return {now, -1} end
redis.call('HDEL', codes, 'a:' .. key)
redis.call('HSET', codes, 'u:' .. ref, used_value(created, now, key, digest))
local remaining = 0
for _, field in ipairs(redis.call('HKEYS', codes)) do
  if string.sub(field, 1, 2) == 'a:' then remaining = remaining + 1 end
end
return {now, remaining}
`,
);

/**
 * @internal KEYS: codes. ARGV: deadline, ref, key. Reply: now, restored (0/1). Refuses while an
 * unused code holds the same lookup key, which would make it ambiguous.
 */
export const RESTORE = script(
  'restore',
  `
local codes, ref = KEYS[1], ARGV[2]
local value = redis.call('HGET', codes, 'u:' .. ref)
if not value then return {now, 0} end
local created, _, key, digest = parse_used(value)
if key ~= ARGV[3] or redis.call('HEXISTS', codes, 'a:' .. key) == 1 then return {now, 0} end
redis.call('HDEL', codes, 'u:' .. ref)
redis.call('HSET', codes, 'a:' .. key, unused_value(ref, created, digest))
return {now, 1}
`,
);

/** @internal KEYS: codes. ARGV: deadline. Reply: now, remaining, generatedMs, lastUsedMs (0: none). */
export const STATUS = script(
  'status',
  `
local remaining, generated, last_used = 0, 0, 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local kind = string.sub(all[i], 1, 2)
  if kind == 'a:' then
    local _, created = parse_unused(all[i + 1])
    remaining = remaining + 1
    if created > generated then generated = created end
  elseif kind == 'u:' then
    local _, used = parse_used(all[i + 1])
    if used > last_used then last_used = used end
  end
end
return {now, remaining, generated, last_used}
`,
);

/** @internal KEYS: codes. ARGV: deadline. */
export const REVOKE_ALL = script(
  'revokeAll',
  `
redis.call('DEL', KEYS[1])
return {now}
`,
);

/**
 * @internal KEYS: attempts, failures. ARGV: deadline, maxAttempts, windowMs,
 * maxConsecutiveFailures (caps: -1 for none). Reply: now, allowed, attempts, failures, locked,
 * retryAfterMs. The window is a counter that expires with the window; the failures counter has
 * no expiry and is deleted, not zeroed, by a reset.
 */
export const RESERVE_ATTEMPT = script(
  'reserveAttempt',
  `
local attempts = tonumber(redis.call('GET', KEYS[1]) or '0')
local failures = tonumber(redis.call('GET', KEYS[2]) or '0')
local max_failures = tonumber(ARGV[4])
if max_failures >= 0 and failures >= max_failures then
  return {now, 0, attempts, failures, 1, 0}
end
local max_attempts = tonumber(ARGV[2])
if max_attempts >= 0 and attempts >= max_attempts then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then ttl = tonumber(ARGV[3]) end
  return {now, 0, attempts, failures, 0, math.max(ttl, 1)}
end
attempts = redis.call('INCR', KEYS[1])
if attempts == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
failures = redis.call('INCR', KEYS[2])
return {now, 1, attempts, failures, 0, 0}
`,
);

/** @internal KEYS: attempts, failures. ARGV: deadline. */
export const RESET_ATTEMPTS = script(
  'resetAttempts',
  `
redis.call('DEL', KEYS[1], KEYS[2])
return {now}
`,
);

/** @internal KEYS: failures. ARGV: deadline. Never below zero; zero leaves no key. */
export const RELEASE_FAILURE = script(
  'releaseFailure',
  `
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
if failures <= 1 then redis.call('DEL', KEYS[1]) else redis.call('DECR', KEYS[1]) end
return {now}
`,
);

/**
 * @internal KEYS: quota. ARGV: deadline, limit (-1: none), windowMs. Reply: now, allowed, count,
 * retryAfterMs.
 */
export const RESERVE_QUOTA = script(
  'reserveQuota',
  `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local quota = tonumber(ARGV[2])
if quota >= 0 and count >= quota then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then ttl = tonumber(ARGV[3]) end
  return {now, 0, count, math.max(ttl, 1)}
end
count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {now, 1, count, 0}
`,
);
