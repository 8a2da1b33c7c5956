-- wrk script: every request submits a new, valid membership application
-- (unique resident ID number with its check digit) to one join link.
-- Usage: wrk -t2 -c64 -d10s -s scripts/join-load.lua http://HOST/join/TOKEN

local weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local checks = "10X98765432"
local threads = {}
local token = string.rep("a", 43)

local function id_number(n)
  -- A distinct birth date and sequence for every n: 1000 people a day from 1970 on.
  local day = os.date("!%Y%m%d", 86400 * (math.floor(n / 1000)) + 12 * 3600)
  local body = string.format("320102%s%03d", day, n % 1000)
  local sum = 0
  for i = 1, 17 do sum = sum + tonumber(body:sub(i, i)) * weights[i] end
  local c = sum % 11 + 1
  return body .. checks:sub(c, c)
end

function setup(thread)
  thread:set("offset", #threads * 5000000)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
end

function request()
  counter = counter + 1
  local n = offset + counter
  local body = "_csrf=" .. token .. "&name=Zhang+San&id_number=" .. id_number(n) ..
    "&phone=138" .. string.format("%08d", n % 100000000) ..
    "&occupation=courier&employer=&work_region=320102&consent=yes"
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "nx_join=" .. token,
  }, body)
end
