-- Load scenario: a user reads the history: one of its first three pages, or the delivered SMS, or the last 30 days.
dofile(os.getenv("BENCH_DIR") .. "/wrk/load-common.lua")
local month_ago = os.date("!%Y-%m-%d", os.time() - 30 * 86400)
function request()
  local pick = math.random(10)
  local path
  if pick <= 6 then
    path = "/api/communication/history?per_page=20&page=" .. math.random(3)
  elseif pick <= 8 then
    path = "/api/communication/history?per_page=20&type=sms&status=delivered"
  else
    path = "/api/communication/history?per_page=20&date_from=" .. month_ago
  end
  return wrk.format("GET", path, { ["X-API-Key"] = user().key })
end
