-- wrk script: ask for sign-in links, as readers on the sign-in page do:
-- one in KNOWN (environment, default 4; 0 for none) for the address the
-- case load submits with (it has cases, so a link is made and mailed),
-- the others for addresses without cases (nothing is made or sent).
-- Each connection waits 80 ms between requests: with -c16 about 200
-- requests a second, a hundred times a busy help center's sign-ins.
local n = 0
local known = tonumber(os.getenv("KNOWN") or "4")

function delay()
  return 80
end

function request()
  n = n + 1
  local email = "bench%40example.se"
  if known == 0 or n % known ~= 0 then
    email = "nobody" .. n .. "%40example.se"
  end
  return wrk.format("POST", "/api/signin", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
  }, "email=" .. email .. "&locale=en")
end
