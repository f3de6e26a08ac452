-- common.lua: what every CaseBridge wrk script shares (loaded with dofile from the worktree root).
-- Tokens come from the environment (bench/run.sh logs in first); done() prints one machine-readable
-- line that run.sh turns into the report.
cb = {}

function cb.auth(token_var)
  local t = os.getenv(token_var)
  if not t or t == "" then error(token_var .. " is not set (run bench/run.sh)") end
  return { ["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json" }
end

-- A per-thread random stream: wrk gives each thread its own Lua state.
function cb.seed(k) math.randomseed(os.time() + (k or 0) * 7919 + math.floor(os.clock() * 1e6)) end

function cb.done(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d errors=%d\n",
    summary.requests, s, summary.requests / s, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end

-- wrk calls these globals; per-script files set request().
function done(summary, latency, requests) cb.done(summary, latency, requests) end

local threads = {}
function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

-- Names that occur in the generated data (surname + given name), for party search.
cb.surnames = {"王","李","张","刘","陈","杨","赵","黄","周","吴","徐","孙","胡","朱","高","林","何","郭","马","罗",
  "梁","宋","郑","谢","韩","唐","冯","于","董","萧","程","曹","袁","邓","许","傅","包","乌","额","敖","白","云","那","宝"}
cb.given = {"伟","芳","娜","敏","静","丽","强","磊","军","洋","勇","艳","杰","娟","涛","明","超","秀","霞","平","刚","桂",
  "英","华","斌","宇","鑫","波","辉","玲","峰","红","巴特","其其格","乌兰","苏和","朝鲁","那仁","格日勒","满都拉"}

function cb.urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- A valid resident ID (GB 11643) for area, born in year.
function cb.resident_id(area, year)
  local w = {7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2}
  local body = string.format("%s%04d%02d%02d%03d", area, year, math.random(1, 12), math.random(1, 28), math.random(1, 999))
  local sum = 0
  for i = 1, 17 do sum = sum + tonumber(body:sub(i, i)) * w[i] end
  return body .. string.sub("10X98765432", sum % 11 + 1, sum % 11 + 1)
end

-- Lines of a file (ids written by run.sh), or an empty table.
function cb.lines(path)
  local t = {}
  local f = path and io.open(path, "r")
  if not f then return t end
  for l in f:lines() do if l ~= "" then table.insert(t, l) end end
  f:close()
  return t
end
