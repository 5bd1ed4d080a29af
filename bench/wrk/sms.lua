-- POST /api/communication/sms/send as JSON with the tenant's API key (BENCH_API_KEY): 10,000 different valid US
-- recipients in turn, a template with one variable (rendered, GSM-7, one segment).
dofile(os.getenv("BENCH_DIR") .. "/wrk/common.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("BENCH_API_KEY")

local n = 0
function setup(thread)
  thread:set("offset", n * 5000)
  n = n + 1
end

local i = 0
function request()
  i = i + 1
  local body = string.format(
    '{"to":"+1212555%04d","message":"Hi {{first_name}}, your appointment is tomorrow at 10:30. Reply C to confirm.","variables":{"first_name":"Ann"}}',
    (offset + i) % 10000)
  return wrk.format(nil, nil, nil, body)
end
