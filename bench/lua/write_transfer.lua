-- POST /api/v1/matters/{id}/actions {"action":"transfer_for_prosecution"}: the police hand matters in
-- investigation to the procuratorate. Ids (one per line) come from CB_IDS; each thread takes every
-- n-th one so no matter is transferred twice.
dofile("bench/lua/common.lua")
local h = cb.auth("CB_TOKEN_POLICE")
local ids, k, step = {}, 0, tonumber(os.getenv("CB_THREADS") or "2")
local body = '{"action":"transfer_for_prosecution","note":"侦查终结，移送审查起诉"}'
function init(args) ids = cb.lines(os.getenv("CB_IDS")); k = thread_index + 1 end
request = function()
  local id = ids[k]
  if not id then
    -- every id is used: stop this thread rather than send requests that must fail
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  k = k + step
  return wrk.format("POST", "/api/v1/matters/" .. id .. "/actions", h, body)
end
