// The Lua scripts of the Redis feature state: read the windows and record a transaction in one atomic step; set a label once.
//
// Keys, under a namespace NS (a standalone Redis / Memorystore / Valkey instance: the names are built in the script):
//   NS x:<txId>              hash   c, t (entity ids), ms, cents, l (label or ''): the idempotency and label index
//   NS c:<customer>:ev       zset   member "<txId>|<cents>", score = time in ms: counts by ZCOUNT, O(log n)
//   NS c:<customer>:cs       hash   cent sums of the customer's UTC days, 6-hour blocks, hours, 10-minute blocks and
//                                   minutes: fields d<i>, s<i>, h<i>, t<i>, m<i> (i = epoch ms / the block's size)
//   NS t:<terminal>:ev       zset   member txId, score ms
//   NS t:<terminal>:fr       zset   the terminal's known frauds, score ms: fraud counts by ZCOUNT
//   NS p:<len>:<customer>:<terminal>  zset  member txId, score ms: the customer's events at that terminal (spec v2;
//                                   <len> is the customer id's length, so no two pairs share a key)
// Spec v2's read (ARGV extra = '1') adds: the customer's previous event (one ZREVRANGEBYSCORE, LIMIT 2), its events at
// the terminal in 30 days (ZCOUNT) and the terminal's recent counts (ZCOUNT each): O(log n) each, bounded.
// Cents in a window (lo, hi] = the days from lo's day to the day before hi's + P(hi) - P(lo), where P(x), the cents of
// x's day up to x, is <= 3 six-hour blocks + 5 hours + 5 ten-minute blocks + 9 minutes + the events of x's minute up to
// x, read one by one. The three customer windows share hi: one read sums 4 prefixes and <= 31 days (one HMGET of ~75
// fields on average), so it costs O(log n) plus what one customer records in a minute, never in proportion to its
// history; counts and sums are exact integers (cents), so the windows are exact. A customer with at most 64 events in
// its 30-day window (nearly every one) is read more cheaply still: its events themselves, one ZRANGEBYSCORE of <= 65.
// Retention is per entity: events older than KEEP behind the entity's newest event that is not in the future (wall
// clock + 1 day, the clock passed by the caller) are removed, from the zset and the block sums alike; keys expire
// KEEP + 1 day after the entity's last append.

import { RECENT_DAYS } from '../spec.ts';

const COMMON = `
local DAY, DELAY, SLACK, PRUNE_BATCH = 86400000, 7, 86400000, 512
-- Up to this many events in a customer's 30-day window are summed one by one (one read); more, from the block sums.
local FEW = 64
-- Buckets inside a day, coarsest first: field prefix and size in ms (each size divides the one before).
local LEVELS = {{'s', 21600000}, {'h', 3600000}, {'t', 600000}, {'m', 60000}}
local WINDOWS = {1, 7, 30}
local function num(x) return string.format('%d', x) end
`;

/**
 * ARGV: ns, customer, terminal, txId, ms, cents, label ('' | '0' | '1'), mode ('read' | 'append' | 'both'), nowMs,
 * keepMs (-1: keep all), ttl s (0: none), extra ('1': the v2 aggregates too).
 */
export const RECORD_LUA = `${COMMON}
local ns, cust, term, tx = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local ms, cents, label, mode = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7], ARGV[8]
local nowMs, keepMs, ttl, extra = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11]), ARGV[12] == '1'
local cev, tev, tfr, txk = ns .. 'c:' .. cust .. ':ev', ns .. 't:' .. term .. ':ev', ns .. 't:' .. term .. ':fr', ns .. 'x:' .. tx
local cts = ns .. 'c:' .. cust .. ':cs'
local pk = ns .. 'p:' .. #cust .. ':' .. cust .. ':' .. term
local RECENT = {${RECENT_DAYS.join(', ')}}
local function memberCents(m) return tonumber(string.match(m, '|(%d+)$')) end

-- Adds delta cents to the day and every bucket holding time t; a bucket that comes back to 0 is deleted.
local function addCents(t, delta)
  local f = 'd' .. math.floor(t / DAY)
  if redis.call('HINCRBY', cts, f, delta) == 0 then redis.call('HDEL', cts, f) end
  for _, lv in ipairs(LEVELS) do
    f = lv[1] .. math.floor(t / lv[2])
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

-- Adds to fields the whole buckets of x's day before x's minute; returns where x's minute starts.
local function prefixFields(x, fields)
  local start = math.floor(x / DAY) * DAY
  for _, lv in ipairs(LEVELS) do
    local upto = math.floor(x / lv[2])
    for i = start / lv[2], upto - 1 do fields[#fields + 1] = lv[1] .. i end
    start = upto * lv[2]
  end
  return start
end

-- Cents of the customer's events in (lo, hi] for each lo of los (all <= hi), in one HMGET.
local function centsSums(hi, los)
  local points, fields, spans = {hi}, {}, {}
  for _, lo in ipairs(los) do points[#points + 1] = lo end
  local minLo = hi
  for p, x in ipairs(points) do
    local a = #fields + 1
    local m = prefixFields(x, fields)
    spans[p] = {a, #fields, m}
    if x < minLo then minLo = x end
  end
  local d0, dHi = math.floor(minLo / DAY), math.floor(hi / DAY)
  local daysAt = #fields + 1
  for d = d0, dHi - 1 do fields[#fields + 1] = 'd' .. d end
  local vals = #fields > 0 and redis.call('HMGET', cts, unpack(fields)) or {}
  local function v(i) return tonumber(vals[i]) or 0 end
  local pre = {}
  for p, sp in ipairs(spans) do
    local s = eventsSum(sp[3] - 1, points[p])
    for i = sp[1], sp[2] do s = s + v(i) end
    pre[p] = s
  end
  local out = {}
  for j, lo in ipairs(los) do
    local s = pre[1] - pre[j + 1]
    for d = math.floor(lo / DAY), dHi - 1 do s = s + v(daysAt + d - d0) end
    out[j] = s
  end
  return out
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
  local los = {}
  for i, w in ipairs(WINDOWS) do los[i] = ms - w * DAY end
  -- A customer with few events in its widest window (the usual one): counts and sums from the events themselves, in
  -- one bounded read. The transaction itself (member "<txId>|...": ids hold no '|') is never counted.
  local few = redis.call('ZRANGEBYSCORE', cev, '(' .. num(los[#los]), num(ms), 'WITHSCORES', 'LIMIT', 0, FEW + 1)
  if #few <= 2 * FEW then
    local n, s, mine = {}, {}, tx .. '|'
    for i = 1, #los do n[i], s[i] = 0, 0 end
    for k = 1, #few, 2 do
      local m = few[k]
      if string.sub(m, 1, #mine) ~= mine then
        local t, c = tonumber(few[k + 1]), memberCents(m)
        for i, lo in ipairs(los) do
          if t > lo then n[i], s[i] = n[i] + 1, s[i] + c end
        end
      end
    end
    for i = 1, #los do
      table.insert(out, n[i])
      table.insert(out, s[i])
    end
  else
    -- Otherwise from the block sums: when the transaction is recorded and still kept, it is taken out of its windows.
    local selfMs, selfCents = nil, 0
    if known and rec[1] == cust and redis.call('ZSCORE', cev, tx .. '|' .. rec[3]) then
      selfMs, selfCents = tonumber(rec[2]), tonumber(rec[3])
    end
    local sums = centsSums(ms, los)
    for i, lo in ipairs(los) do
      local n, s = redis.call('ZCOUNT', cev, '(' .. num(lo), num(ms)), sums[i]
      if selfMs and selfMs > lo and selfMs <= ms then n, s = n - 1, s - selfCents end
      table.insert(out, n)
      table.insert(out, s)
    end
  end
  local hi = ms - DELAY * DAY
  for _, w in ipairs(WINDOWS) do
    local lo = '(' .. num(hi - w * DAY)
    table.insert(out, redis.call('ZCOUNT', tev, lo, num(hi)))
    table.insert(out, redis.call('ZCOUNT', tfr, lo, num(hi)))
  end
  if extra then
    -- v2: previous event (-1: none), events at this terminal, the terminal's recent counts; never the transaction itself.
    local lo, mine, prev = ms - WINDOWS[#WINDOWS] * DAY, tx .. '|', -1
    local top = redis.call('ZREVRANGEBYSCORE', cev, num(ms), '(' .. num(lo), 'WITHSCORES', 'LIMIT', 0, 2)
    for k = 1, #top, 2 do
      if string.sub(top[k], 1, #mine) ~= mine then prev = tonumber(top[k + 1]); break end
    end
    table.insert(out, prev)
    local function countBut(key, from)
      local n, own = redis.call('ZCOUNT', key, '(' .. num(from), num(ms)), redis.call('ZSCORE', key, tx)
      if own and tonumber(own) > from and tonumber(own) <= ms then n = n - 1 end
      return n
    end
    table.insert(out, countBut(pk, lo))
    for _, w in ipairs(RECENT) do table.insert(out, countBut(tev, ms - w * DAY)) end
  end
end
if mode ~= 'read' and not known then
  redis.call('HSET', txk, 'c', cust, 't', term, 'ms', num(ms), 'cents', num(cents), 'l', label)
  redis.call('ZADD', cev, num(ms), tx .. '|' .. num(cents))
  addCents(ms, cents)
  redis.call('ZADD', tev, num(ms), tx)
  redis.call('ZADD', pk, num(ms), tx)
  if label == '1' then redis.call('ZADD', tfr, num(ms), tx) end
  local h = horizon(cev)
  if h then
    redis.call('ZREMRANGEBYSCORE', pk, '-inf', '(' .. num(h))
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
    for _, key in ipairs({txk, cev, cts, tev, tfr, pk}) do redis.call('EXPIRE', key, ttl) end
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
