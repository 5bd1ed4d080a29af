-- Load scenario: a user opens the voice message list (first page, 20 templates).
dofile(os.getenv("BENCH_DIR") .. "/wrk/load-common.lua")
function request()
  return wrk.format("GET", "/api/voice-messages?page=1&per_page=20", { ["X-API-Key"] = user().key })
end
