-- GET /api/v1/workbench as a county police handler (the unit's queue: transfers to accept, its open
-- matters by urgency, transfers sent).
dofile("bench/lua/common.lua")
local h = cb.auth("CB_TOKEN_UNIT")
request = function() return wrk.format("GET", "/api/v1/workbench", h) end
