-- GET with the tenant's API key (BENCH_API_KEY). Used for App and for the bare endpoint alike, so both receive the
-- same request bytes.
dofile(os.getenv("BENCH_DIR") .. "/wrk/common.lua")
wrk.headers["X-API-Key"] = os.getenv("BENCH_API_KEY")
