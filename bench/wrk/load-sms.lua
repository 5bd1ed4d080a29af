-- Load scenario: a user sends an appointment reminder (JSON, one variable, one GSM-7 segment) to one of 2,000 numbers.
dofile(os.getenv("BENCH_DIR") .. "/wrk/load-common.lua")
function request()
  local body = string.format(
    '{"to":"+1212555%04d","message":"Hi {{first_name}}, your appointment is tomorrow at 10:30. Reply C to confirm.","variables":{"first_name":"Ann"}}',
    math.random(0, 1999))
  return wrk.format("POST", "/api/communication/sms/send",
    { ["X-API-Key"] = user().key, ["Content-Type"] = "application/json" }, body)
end
