-- Signed Twilio SMS status callbacks from the file BENCH_CALLBACKS (lines: path TAB X-Twilio-Signature TAB form body,
-- written by BenchTool sign-callbacks: "sent" then "delivered" for each row). Thread k of BENCH_THREADS takes every
-- row whose number mod BENCH_THREADS is k, so one row's callbacks stay in order on one thread. Requests are formatted
-- once in init(), so wrk spends its CPU on sending, not on Lua. After the last line a thread starts over: those
-- repeats are duplicates the app answers without a change (run.sh reports whether that happened).
dofile(os.getenv("BENCH_DIR") .. "/wrk/common.lua")

local count = 0
function setup(thread)
  thread:set("tid", count)
  count = count + 1
end

local requests = {}
local next_index = 1
function init(args)
  local threads = tonumber(os.getenv("BENCH_THREADS"))
  local line_number = 0
  for line in io.lines(os.getenv("BENCH_CALLBACKS")) do
    if math.floor(line_number / 2) % threads == tid then
      local path, signature, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      requests[#requests + 1] = wrk.format("POST", path, {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Twilio-Signature"] = signature,
      }, body)
    end
    line_number = line_number + 1
  end
end

function request()
  local r = requests[next_index]
  next_index = next_index + 1
  if next_index > #requests then next_index = 1 end
  return r
end
