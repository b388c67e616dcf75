"""The Lua scripts of the Redis broker: each runs as one step in Redis, so no other process comes in
between its reads and its writes."""

# hset's two forms (see base.Broker)
HSET_NEW = ("if redis.call('hsetnx', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end "
            "if redis.call('pttl', KEYS[1]) < 0 then redis.call('pexpire', KEYS[1], ARGV[3]) end return 1")
HSET_LIVE = ("if redis.call('exists', KEYS[1]) == 0 then return 0 end "
             "redis.call('hset', KEYS[1], ARGV[1], ARGV[2]) return 1")
# hcreate_counted: KEYS = the hash, the set listing the hashes counted. Members whose hash expired or
# was deleted are dropped first, so the count follows the hashes' own expiry. (The members are keys
# the script reads without declaring them: fine on one Redis, not on Redis Cluster.)
HCREATE_COUNTED = """
local live = 0
for _, member in ipairs(redis.call('smembers', KEYS[2])) do
  if redis.call('exists', member) == 1 then live = live + 1 else redis.call('srem', KEYS[2], member) end
end
if redis.call('exists', KEYS[1]) == 1 then return 'taken' end
if live >= tonumber(ARGV[4]) then return 'full' end
redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
redis.call('pexpire', KEYS[1], ARGV[3])
redis.call('sadd', KEYS[2], KEYS[1])
return 'made'
"""
