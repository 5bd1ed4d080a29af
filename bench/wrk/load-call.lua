-- Load scenario: a user places a call that speaks one of the tenant's voice messages.
dofile(os.getenv("BENCH_DIR") .. "/wrk/load-common.lua")
function request()
  local u = user()
  local body = string.format('{"to":"+1646555%04d","voice_message_id":%s,"variables":{"first_name":"Ann","time":"9:30"}}',
    math.random(0, 1999), u.voice)
  return wrk.format("POST", "/api/communication/voice/send",
    { ["X-API-Key"] = u.key, ["Content-Type"] = "application/json" }, body)
end
