-- GET /api/v1/supervision: the region's committee looks at the region (by league), a league (by
-- county) and a county (by unit), in turn.
dofile("bench/lua/common.lua")
local h = cb.auth("CB_TOKEN_REGION")
local paths = {"/api/v1/supervision", "/api/v1/supervision?area=152500", "/api/v1/supervision?area=150400",
  "/api/v1/supervision?area=152502", "/api/v1/supervision?area=150502"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[i % #paths + 1], h)
end
