-- Shared by the load scenario's scripts (bench/load.sh): users of many tenants, each request as a random one of them,
-- with a think time of LOAD_THINK_MIN..LOAD_THINK_MAX ms between a connection's requests (0 0: a closed-loop flood).
-- LOAD_USERS names a file with one line per tenant: "api_key voice_message_id".
dofile(os.getenv("BENCH_DIR") .. "/wrk/common.lua")

local users = {}
for line in io.lines(os.getenv("LOAD_USERS")) do
  local key, voice = line:match("^(%S+)%s+(%S+)")
  if key then users[#users + 1] = { key = key, voice = voice } end
end
local think_min = tonumber(os.getenv("LOAD_THINK_MIN") or "250")
local think_max = tonumber(os.getenv("LOAD_THINK_MAX") or "750")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads * 7919 + os.time())
end

function init(args)
  math.randomseed(seed)
end

function delay()
  if think_max <= 0 then return 0 end
  return math.random(think_min, think_max)
end

function user()
  return users[math.random(#users)]
end
