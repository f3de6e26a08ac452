-- POST /api/v1/transfers/{id}/accept: the procuratorate accepts the transfers the police sent. Ids
-- from CB_IDS, split between threads as in write_transfer.lua.
dofile("bench/lua/common.lua")
local h = cb.auth("CB_TOKEN_PROCURATORATE")
h["Content-Type"] = nil
local ids, k, step = {}, 0, tonumber(os.getenv("CB_THREADS") or "2")
function init(args) ids = cb.lines(os.getenv("CB_IDS")); k = thread_index + 1 end
request = function()
  local id = ids[k]
  if not id then
    -- every id is used: stop this thread rather than send requests that must fail
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  k = k + step
  return wrk.format("POST", "/api/v1/transfers/" .. id .. "/accept", h)
end
