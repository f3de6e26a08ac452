-- POST /api/v1/matters: a county police handler files a criminal matter (one suspect with a valid
-- resident ID, sometimes a victim).
dofile("bench/lua/common.lua")
local h = cb.auth("CB_TOKEN_POLICE")
local area = os.getenv("CB_AREA") or "150103"
function init(args) cb.seed(thread_index) end
request = function()
  local s = cb.surnames[math.random(#cb.surnames)] .. cb.given[math.random(#cb.given)]
  local parties = string.format('{"type":"person","name":"%s","role":"suspect","id_type":"resident_id","id_number":"%s"}',
    s, cb.resident_id(area, math.random(1960, 2005)))
  if math.random(2) == 1 then
    local v = cb.surnames[math.random(#cb.surnames)] .. cb.given[math.random(#cb.given)]
    parties = parties .. string.format(',{"type":"person","name":"%s","role":"victim","id_type":"resident_id","id_number":"%s"}',
      v, cb.resident_id(area, math.random(1950, 2008)))
  end
  local body = string.format('{"kind":"criminal","summary":"%s盗窃案，涉嫌入户盗窃牲畜","parties":[%s],"detained":false}', s, parties)
  return wrk.format("POST", "/api/v1/matters", h, body)
end
