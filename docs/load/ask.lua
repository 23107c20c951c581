-- wrk script: mixed questions (ko/en, recommendations and data questions) to POST /api/ask.
--   wrk -t2 -c50 -d60s -s docs/load/ask.lua http://127.0.0.1:8080
-- Counts non-2xx answers by status at the end.
local questions = {
  "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘",
  "제주시 한림읍에 있는 카페 중 30대 이용 비중이 가장 높은 곳은?",
  "애월읍에 흑돼지 메뉴가 있는 가게는 몇 곳?",
  "성산일출봉 근처 해산물 맛집 추천",
  "연동에서 혼밥하기 좋은 국수집 추천해줘",
  "노형동 1인 2만원 이하 저녁 맛집 추천",
  "Where can I take my parents for black pork in Aewol?",
  "Which cafe in Hallim-eup has the highest share of customers in their 30s?",
  "Good seafood for a group dinner in Seongsan",
  "Kid-friendly lunch in Jocheon",
}
local n = 0
request = function()
  n = n + 1
  local q = questions[(n % #questions) + 1]
  local body = '{"question":"' .. q .. '"}'
  return wrk.format("POST", "/api/ask", {["Content-Type"] = "application/json"}, body)
end
local statuses = {}
response = function(status, headers, body)
  if status >= 300 then statuses[status] = (statuses[status] or 0) + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors(socket) connect %d read %d write %d timeout %d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout))
  io.write(string.format("latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
  for s, c in pairs(statuses) do io.write(string.format("HTTP %d: %d\n", s, c)) end
end
