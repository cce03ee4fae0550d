-- wrk script: the control for signin.lua: the same pace (16 connections,
-- 80 ms apart) of GET /healthz, so that the load generator's own share of
-- the machine is measured apart from what sign-in requests cost.
function delay()
  return 80
end
