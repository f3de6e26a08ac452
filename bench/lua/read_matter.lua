-- GET /api/v1/matters/{id}: a random matter of the region, read by the region's committee.
dofile("bench/lua/common.lua")
local h = cb.auth("CB_TOKEN_REGION")
local max_id = tonumber(os.getenv("CB_MAX_ID") or "1000")
function init(args) cb.seed(thread_index) end
request = function() return wrk.format("GET", "/api/v1/matters/" .. math.random(1, max_id), h) end
