-- Quiz submissions for bench/run.py: every request POSTs the same form body
-- (csrf_token, the quiz's one-time token, the best answer to every scenario).
-- The first request records the attempt; the rest are double submits, which
-- still parse, check and grade the whole form before redirecting with 303.
--
-- The body is read from the file named by BENCH_BODY_FILE (run.py writes it);
-- the session cookie comes from wrk's -H 'Cookie: ...'.
local body_file = os.getenv("BENCH_BODY_FILE")
if not body_file then
   error("BENCH_BODY_FILE is not set: run this through bench/run.py")
end
local fh = assert(io.open(body_file, "rb"))
wrk.method = "POST"
wrk.body = fh:read("*a")
fh:close()
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

-- Reuse the done() that prints the BENCH_RESULT line, from next to this file.
local here = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
dofile(here .. "report.lua")
