/**
 * Lua scripts of the Redis shared state. Redis runs each script atomically, so a claim and
 * the state of its render are written together, and no other replica reads one without the
 * other. Keys of one render: `claim` is the render key's claim, whose value is the render as
 * JSON, and `newest` the render key's newest render, the same JSON. `state` is a hash with
 * `state`, `finished_at`, `reason` and `line_count`, and `cancel_by` and `cancel_job` of a
 * kill order. `lines` and `tail` are lists of log lines.
 */

/** A script and the number of its arguments that are keys. */
export interface ScriptDefinition {
  lua: string;
  numberOfKeys: number;
}

/**
 * KEYS: claim, newest, state. ARGV: render JSON, claim lifetime in ms.
 * Returns nil when the claim was taken, else the JSON of the render that has the claim.
 */
const claimRender: ScriptDefinition = {
  numberOfKeys: 3,
  lua: `
local holder = redis.call('GET', KEYS[1])
if holder then
  return holder
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
redis.call('HSET', KEYS[3], 'state', 'running', 'line_count', 0)
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return false
`,
};

/**
 * KEYS: claim, newest, state, lines, tail. ARGV: render JSON, claim lifetime in ms.
 * Returns "renewed", "reclaimed" when the claim had expired and was taken again, or "lost"
 * when another render has the claim or this render has already ended.
 */
const renewClaim: ScriptDefinition = {
  numberOfKeys: 5,
  lua: `
local holder = redis.call('GET', KEYS[1])
local state = redis.call('HGET', KEYS[3], 'state')
if (holder and holder ~= ARGV[1]) or (state and state ~= 'running') then
  return 'lost'
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
for i = 3, 5 do
  redis.call('PEXPIRE', KEYS[i], ARGV[2])
end
if holder then
  return 'renewed'
end
return 'reclaimed'
`,
};

/**
 * KEYS: state, lines, tail. ARGV: maximum stored lines, tail length, log exposure, then the
 * lines. Counts every line, and stores those the exposure can show. Does nothing once the
 * render has ended or its state is gone. Returns 1 when the lines were added, else 0.
 */
const appendOutput: ScriptDefinition = {
  numberOfKeys: 3,
  lua: `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then
  return 0
end
local first = 4
local last = #ARGV
if ARGV[3] == 'full' then
  local room = tonumber(ARGV[1]) - redis.call('LLEN', KEYS[2])
  for i = first, math.min(last, first + room - 1) do
    redis.call('RPUSH', KEYS[2], ARGV[i])
  end
end
if ARGV[3] ~= 'none' then
  local size = tonumber(ARGV[2])
  for i = math.max(first, last - size + 1), last do
    redis.call('RPUSH', KEYS[3], ARGV[i])
  end
  redis.call('LTRIM', KEYS[3], -size, -1)
end
redis.call('HINCRBY', KEYS[1], 'line_count', last - first + 1)
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
return 1
`,
};

/**
 * KEYS: claim, newest, state, lines, tail. ARGV: render JSON, end state, end time in ms,
 * failure reason or "", who cancelled it or "", how long to keep the state in ms. Stores the
 * outcome and releases the claim if it is still this render's.
 */
const finishRender: ScriptDefinition = {
  numberOfKeys: 5,
  lua: `
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('HSET', KEYS[3], 'state', ARGV[2], 'finished_at', ARGV[3], 'reason', ARGV[4],
    'cancel_by', ARGV[5])
  for i = 3, 5 do
    redis.call('PEXPIRE', KEYS[i], ARGV[6])
  end
end
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return 1
`,
};

/** KEYS: claim, newest, state, lines, tail. ARGV: render JSON. Drops the render. */
const abandonRender: ScriptDefinition = {
  numberOfKeys: 5,
  lua: `
for i = 1, 2 do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('DEL', KEYS[i])
  end
end
redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
return 1
`,
};

/**
 * KEYS: state. ARGV: who sent the kill order and the job key, or nothing to remove the order.
 * Changes only a running render's state.
 */
const markCancelled: ScriptDefinition = {
  numberOfKeys: 1,
  lua: `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then
  return 0
end
if #ARGV == 0 then
  redis.call('HDEL', KEYS[1], 'cancel_by', 'cancel_job')
else
  redis.call('HSET', KEYS[1], 'cancel_by', ARGV[1], 'cancel_job', ARGV[2])
end
return 1
`,
};

/**
 * KEYS: state, lines, tail. ARGV: first line index, maximum number of lines.
 * Returns nil when the state is gone, else {state, finished_at, reason, line_count, lines,
 * tail, cancel_by}. The tail is read only once the render has ended.
 */
const readRender: ScriptDefinition = {
  numberOfKeys: 3,
  lua: `
local fields = redis.call('HMGET', KEYS[1], 'state', 'finished_at', 'reason', 'line_count',
  'cancel_by')
if not fields[1] then
  return false
end
local from = tonumber(ARGV[1])
local lines = redis.call('LRANGE', KEYS[2], from, from + tonumber(ARGV[2]) - 1)
local tail = {}
if fields[1] ~= 'running' then
  tail = redis.call('LRANGE', KEYS[3], 0, -1)
end
return {fields[1], fields[2] or '', fields[3] or '', tonumber(fields[4]) or 0, lines, tail,
  fields[5] or ''}
`,
};

/**
 * KEYS: success. ARGV: end time in ms, how long to keep it in ms. Keeps the newest end time.
 */
const recordSuccess: ScriptDefinition = {
  numberOfKeys: 1,
  lua: `
local known = tonumber(redis.call('GET', KEYS[1]))
if known and known >= tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`,
};

/**
 * KEYS: bucket. ARGV: requests per minute. A token bucket with the same rules as
 * RateLimiter, timed by the Redis server's clock so that replicas with skewed clocks agree.
 * Returns 0 when the request may proceed, else the whole seconds to wait. A bucket left
 * alone for a minute is full again, so it expires then.
 */
const takeToken: ScriptDefinition = {
  numberOfKeys: 1,
  lua: `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local capacity = tonumber(ARGV[1])
local refill_per_ms = capacity / 60000
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'updated_at')
local tokens = tonumber(stored[1]) or capacity
local updated_at = tonumber(stored[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - updated_at) * refill_per_ms)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) / refill_per_ms / 1000))
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'updated_at', now)
redis.call('PEXPIRE', KEYS[1], 60000)
return wait
`,
};

export const REDIS_SCRIPTS = {
  claimRender,
  renewClaim,
  appendOutput,
  finishRender,
  abandonRender,
  markCancelled,
  readRender,
  recordSuccess,
  takeToken,
} as const;

export type ScriptName = keyof typeof REDIS_SCRIPTS;
