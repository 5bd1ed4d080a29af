-- Load scenario: now and then a user uploads a short recording (LOAD_AUDIO, a WAV file) to the audio library.
dofile(os.getenv("BENCH_DIR") .. "/wrk/load-common.lua")
local file = assert(io.open(os.getenv("LOAD_AUDIO"), "rb"))
local audio = file:read("*a")
file:close()
local boundary = "----switchboard-load-7d0c1a52"
local body = "--" .. boundary .. "\r\n" ..
  'Content-Disposition: form-data; name="description"\r\n\r\nGreeting\r\n' ..
  "--" .. boundary .. "\r\n" ..
  'Content-Disposition: form-data; name="file"; filename="greeting.wav"\r\nContent-Type: audio/wav\r\n\r\n' ..
  audio .. "\r\n--" .. boundary .. "--\r\n"
function request()
  return wrk.format("POST", "/api/files/upload",
    { ["X-API-Key"] = user().key, ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }, body)
end
