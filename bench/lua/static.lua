-- The HTTP limit: nginx serving a static 200-byte JSON file with the same wrk settings.
dofile("bench/lua/common.lua")
request = function() return wrk.format("GET", "/static.json") end
