-- The read mix: matter pages 40%, workbench 25%, search 15%, supervision 20%.
dofile("bench/lua/common.lua")
local region, unit, league = cb.auth("CB_TOKEN_REGION"), cb.auth("CB_TOKEN_UNIT"), cb.auth("CB_TOKEN_LEAGUE")
local max_id = tonumber(os.getenv("CB_MAX_ID") or "1000")
local sup = {"/api/v1/supervision", "/api/v1/supervision?area=152500", "/api/v1/supervision?area=152502"}
function init(args) cb.seed(thread_index) end
request = function()
  local x = math.random(100)
  if x <= 40 then return wrk.format("GET", "/api/v1/matters/" .. math.random(1, max_id), region) end
  if x <= 65 then return wrk.format("GET", "/api/v1/workbench", unit) end
  if x <= 80 then
    local name = cb.surnames[math.random(#cb.surnames)] .. cb.given[math.random(#cb.given)]
    return wrk.format("GET", "/api/v1/matters?party=" .. cb.urlencode(name), league)
  end
  return wrk.format("GET", sup[math.random(#sup)], region)
end
