// The Lua scripts of the Redis feature state: read the windows and record a transaction in one atomic step; set a label once.
//
// Keys, under a namespace NS (a standalone Redis / Memorystore / Valkey instance: the names are built in the script):
//   NS x:<txId>              hash   c, t (entity ids), ms, cents, l (label or ''): the idempotency and label index
//   NS c:<customer>:ev       zset   member "<txId>|<cents>", score = time in ms: counts by ZCOUNT, O(log n)
//   NS c:<customer>:cs:<p>   hash   cent sums of aligned blocks of 2^k ms (k = 18..32), period p = floor(ms / 2^33)
//   NS t:<terminal>:ev       zset   member txId, score ms
//   NS t:<terminal>:fr       zset   the terminal's known frauds, score ms: fraud counts by ZCOUNT
// A window (lo, hi] of cents is: the blocks of its dyadic decomposition (at most 2 per level, 15 levels) plus the events
// of the two edge pieces shorter than one 2^18 ms (262 s) block, read one by one. So a read costs O(log n) plus what
// one entity records in 2 x 262 s, never in proportion to its history; counts and sums are exact integers.
// Retention is per entity: events older than KEEP behind the entity's newest event that is not in the future (wall
// clock + 1 day, the clock passed by the caller) are removed, from the zset and the block sums alike; keys expire
// KEEP + 1 day after the entity's last append.

const COMMON = `
local DAY, DELAY, L0, LMAX, PBITS, SLACK, PRUNE_BATCH = 86400000, 7, 18, 32, 33, 86400000, 512
local WINDOWS = {1, 7, 30}
local function num(x) return string.format('%d', x) end
`;

/** ARGV: ns, customer, terminal, txId, ms, cents, label ('' | '0' | '1'), mode ('read' | 'append' | 'both'), nowMs, keepMs (-1: keep all), ttl s (0: none). */
export const RECORD_LUA = `${COMMON}
local ns, cust, term, tx = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local ms, cents, label, mode = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7], ARGV[8]
local nowMs, keepMs, ttl = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local cev, tev, tfr, txk = ns .. 'c:' .. cust .. ':ev', ns .. 't:' .. term .. ':ev', ns .. 't:' .. term .. ':fr', ns .. 'x:' .. tx
local function cts(p) return ns .. 'c:' .. cust .. ':cs:' .. num(p) end
local function memberCents(m) return tonumber(string.match(m, '|(%d+)$')) end

-- Adds delta cents to every block (levels L0..LMAX) holding time t; a block that comes back to 0 is deleted.
local function addCents(t, delta)
  local key = cts(math.floor(t / 2 ^ PBITS))
  for k = L0, LMAX do
    local f = num(k) .. ':' .. num(math.floor(t / 2 ^ k))
    if redis.call('HINCRBY', key, f, delta) == 0 then redis.call('HDEL', key, f) end
  end
end

-- Cents of the customer's events with lo < time <= hi, one by one (used for pieces shorter than a block).
local function eventsSum(lo, hi)
  if hi <= lo then return 0 end
  local s, ev = 0, redis.call('ZRANGEBYSCORE', cev, '(' .. num(lo), num(hi))
  for i = 1, #ev do s = s + memberCents(ev[i]) end
  return s
end

-- Cents of the customer's events with lo < time <= hi: whole blocks by dyadic decomposition, edges event by event.
local function centsSum(lo, hi)
  local S = 2 ^ L0
  local i1, i2 = math.floor(lo / S) + 1, math.floor((hi + 1) / S) - 1
  if i1 > i2 then return eventsSum(lo, hi) end
  local s = eventsSum(lo, i1 * S - 1) + eventsSum((i2 + 1) * S - 1, hi)
  local byPeriod, l, r, k = {}, i1, i2 + 1, L0
  local function take(i)
    if k > LMAX then error('feature state: window wider than the block tree') end
    local p = math.floor(i / 2 ^ (PBITS - k))
    byPeriod[p] = byPeriod[p] or {}
    table.insert(byPeriod[p], num(k) .. ':' .. num(i))
  end
  while l < r do
    if l % 2 == 1 then take(l); l = l + 1 end
    if r % 2 == 1 then r = r - 1; take(r) end
    l, r, k = l / 2, r / 2, k + 1
  end
  for p, fields in pairs(byPeriod) do
    local vals = redis.call('HMGET', cts(p), unpack(fields))
    for i = 1, #vals do if vals[i] then s = s + tonumber(vals[i]) end end
  end
  return s
end

-- The horizon of an entity: its newest event not dated after the wall clock + slack, minus KEEP (nil: nothing to prune).
local function horizon(key)
  if keepMs < 0 then return nil end
  local top = redis.call('ZREVRANGEBYSCORE', key, num(nowMs + SLACK), '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
  if #top == 0 then return nil end
  return tonumber(top[2]) - keepMs
end

local rec = redis.call('HMGET', txk, 'c', 'ms', 'cents')
local known = rec[2] ~= false
local out = {}
if mode ~= 'append' then
  -- The transaction itself is never counted: when it is recorded and still kept, it is taken out of its windows.
  local selfMs, selfCents = nil, 0
  if known and rec[1] == cust and redis.call('ZSCORE', cev, tx .. '|' .. rec[3]) then
    selfMs, selfCents = tonumber(rec[2]), tonumber(rec[3])
  end
  for _, w in ipairs(WINDOWS) do
    local lo = ms - w * DAY
    local n, s = redis.call('ZCOUNT', cev, '(' .. num(lo), num(ms)), centsSum(lo, ms)
    if selfMs and selfMs > lo and selfMs <= ms then n, s = n - 1, s - selfCents end
    table.insert(out, n)
    table.insert(out, s)
  end
  local hi = ms - DELAY * DAY
  for _, w in ipairs(WINDOWS) do
    local lo = '(' .. num(hi - w * DAY)
    table.insert(out, redis.call('ZCOUNT', tev, lo, num(hi)))
    table.insert(out, redis.call('ZCOUNT', tfr, lo, num(hi)))
  end
end
if mode ~= 'read' and not known then
  redis.call('HSET', txk, 'c', cust, 't', term, 'ms', num(ms), 'cents', num(cents), 'l', label)
  redis.call('ZADD', cev, num(ms), tx .. '|' .. num(cents))
  addCents(ms, cents)
  redis.call('ZADD', tev, num(ms), tx)
  if label == '1' then redis.call('ZADD', tfr, num(ms), tx) end
  local h = horizon(cev)
  if h then
    local old = redis.call('ZRANGEBYSCORE', cev, '-inf', '(' .. num(h), 'WITHSCORES', 'LIMIT', 0, PRUNE_BATCH)
    for i = 1, #old, 2 do
      addCents(tonumber(old[i + 1]), -memberCents(old[i]))
      redis.call('ZREM', cev, old[i])
    end
  end
  h = horizon(tev)
  if h then
    redis.call('ZREMRANGEBYSCORE', tev, '-inf', '(' .. num(h))
    redis.call('ZREMRANGEBYSCORE', tfr, '-inf', '(' .. num(h))
  end
  if ttl > 0 then
    for _, key in ipairs({txk, cev, cts(math.floor(ms / 2 ^ PBITS)), tev, tfr}) do redis.call('EXPIRE', key, ttl) end
  end
end
return out
`;

/** ARGV: ns, txId, label ('0' | '1'), ttl s. Returns 1 when the label changed something, else 0. */
export const LABEL_LUA = `${COMMON}
local ns, tx, label, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local txk = ns .. 'x:' .. tx
local rec = redis.call('HMGET', txk, 't', 'ms', 'l')
if not rec[2] or rec[3] == label then return 0 end
redis.call('HSET', txk, 'l', label)
local tev, tfr = ns .. 't:' .. rec[1] .. ':ev', ns .. 't:' .. rec[1] .. ':fr'
if redis.call('ZSCORE', tev, tx) then
  if label == '1' then
    redis.call('ZADD', tfr, rec[2], tx)
    if ttl > 0 then redis.call('EXPIRE', tfr, ttl) end
  else
    redis.call('ZREM', tfr, tx)
  end
end
return 1
`;
