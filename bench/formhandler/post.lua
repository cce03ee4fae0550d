-- wrk script: POST a minimal valid case as a form, ask for JSON, and
-- record every case id answered 201 (one file per thread) so the kill -9
-- check can look each of them up in `formhandler export`.
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  local dir = os.getenv("IDS_DIR") or "."
  ids = io.open(dir .. "/ids-" .. tid .. ".txt", "w")
  ids:setvbuf("line")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Accept"] = "application/json"
  wrk.body = "name=Bench+Reader&email=bench%40example.se&category=technical" ..
    "&subject=Cannot+send+invoice&description=It+fails+with+error+42.&article=%2Fen%2Farticles%2Fbench%2F"
end

function response(status, headers, body)
  if status == 201 then
    ids:write(body)
  end
end
