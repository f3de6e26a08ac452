-- GET /api/v1/matters?party=NAME: a league committee searches a full party name within its league.
dofile("bench/lua/common.lua")
local h = cb.auth("CB_TOKEN_LEAGUE")
function init(args) cb.seed(thread_index) end
request = function()
  local name = cb.surnames[math.random(#cb.surnames)] .. cb.given[math.random(#cb.given)]
  return wrk.format("GET", "/api/v1/matters?party=" .. cb.urlencode(name), h)
end
