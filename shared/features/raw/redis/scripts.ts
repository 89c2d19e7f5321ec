// The Lua scripts of the Redis feature state: read the windows and record a transaction in one atomic step; set a label once.
//
// Keys, under a namespace NS (a standalone Redis / Memorystore / Valkey instance: the names are built in the script):
//   NS x:<txId>              hash   c, t (entity ids), ms, cents, l (label or ''): the idempotency and label index
//   NS c:<customer>:ev       zset   member "<txId>|<cents>", score = time in ms: counts by ZCOUNT, O(log n)
//   NS c:<customer>:cs       hash   cent sums of the customer's UTC minutes, hours and days: m:<i>, h:<i>, d:<i>
//   NS t:<terminal>:ev       zset   member txId, score ms
//   NS t:<terminal>:fr       zset   the terminal's known frauds, score ms: fraud counts by ZCOUNT
// A window (lo, hi] of cents is: the whole days inside it (<= 30), the whole hours of the two partial days (<= 2 x 23),
// the whole minutes of the two partial hours (<= 2 x 59), and the events of the two partial minutes, read one by one.
// So a read costs O(log n) plus at most ~200 bucket sums plus what one customer records in two minutes, never in
// proportion to its history; counts and sums are exact integers (cents), so the windows are exact.
// Retention is per entity: events older than KEEP behind the entity's newest event that is not in the future (wall
// clock + 1 day, the clock passed by the caller) are removed, from the zset and the block sums alike; keys expire
// KEEP + 1 day after the entity's last append.

const COMMON = `
local DAY, DELAY, SLACK, PRUNE_BATCH = 86400000, 7, 86400000, 512
-- Bucket levels: name, size in ms, how many make one bucket of the next level.
local LEVELS = {{'m', 60000, 60}, {'h', 3600000, 24}, {'d', 86400000, 0}}
local WINDOWS = {1, 7, 30}
local function num(x) return string.format('%d', x) end
`;

/** ARGV: ns, customer, terminal, txId, ms, cents, label ('' | '0' | '1'), mode ('read' | 'append' | 'both'), nowMs, keepMs (-1: keep all), ttl s (0: none). */
export const RECORD_LUA = `${COMMON}
local ns, cust, term, tx = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local ms, cents, label, mode = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7], ARGV[8]
local nowMs, keepMs, ttl = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local cev, tev, tfr, txk = ns .. 'c:' .. cust .. ':ev', ns .. 't:' .. term .. ':ev', ns .. 't:' .. term .. ':fr', ns .. 'x:' .. tx
local cts = ns .. 'c:' .. cust .. ':cs'
local function memberCents(m) return tonumber(string.match(m, '|(%d+)$')) end

-- Adds delta cents to the minute, hour and day holding time t; a bucket that comes back to 0 is deleted.
local function addCents(t, delta)
  for _, lv in ipairs(LEVELS) do
    local f = lv[1] .. num(math.floor(t / lv[2]))
    if redis.call('HINCRBY', cts, f, delta) == 0 then redis.call('HDEL', cts, f) end
  end
end

-- Cents of the customer's events with lo < time <= hi, one by one (used for pieces shorter than a minute).
local function eventsSum(lo, hi)
  if hi <= lo then return 0 end
  local s, ev = 0, redis.call('ZRANGEBYSCORE', cev, '(' .. num(lo), num(hi))
  for i = 1, #ev do s = s + memberCents(ev[i]) end
  return s
end

-- Cents of the customer's events with lo < time <= hi: whole buckets, coarsest first, and the edge minutes event by event.
local function centsSum(lo, hi)
  local M = LEVELS[1][2]
  local l, r = math.floor(lo / M) + 1, math.floor((hi + 1) / M) -- the whole minutes [l, r)
  if l >= r then return eventsSum(lo, hi) end
  local s = eventsSum(lo, l * M - 1) + eventsSum(r * M - 1, hi)
  local fields = {}
  local function take(name, a, b) for i = a, b - 1 do fields[#fields + 1] = name .. num(i) end end
  for _, lv in ipairs(LEVELS) do
    local ratio = lv[3]
    local L, R = 0, 0
    if ratio > 0 then L, R = math.ceil(l / ratio), math.floor(r / ratio) end
    if L >= R then
      take(lv[1], l, r)
      break
    end
    take(lv[1], l, L * ratio)
    take(lv[1], R * ratio, r)
    l, r = L, R
  end
  local vals = redis.call('HMGET', cts, unpack(fields))
  for i = 1, #vals do if vals[i] then s = s + tonumber(vals[i]) end end
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
    for _, key in ipairs({txk, cev, cts, tev, tfr}) do redis.call('EXPIRE', key, ttl) end
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
