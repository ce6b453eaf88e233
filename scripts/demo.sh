#!/usr/bin/env bash
# The main job: builds Quiver, starts a real OpenSearch 3.8.0 node with the plugin installed,
# indexes a demo corpus (world cities as unit vectors on the globe, so "nearest vector" means
# "nearest city"), runs quiver_knn queries and prints the results, then stops the node.
# Run as a normal (non-root) user: OpenSearch refuses to start as root.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
if [ "$(id -u)" -eq 0 ]; then
  echo "OpenSearch refuses to run as root: run this as a normal user." >&2
  exit 1
fi

echo "== Building the plugin (tests skipped; scripts/test.sh runs them)"
mvn -B -ntp -q -DskipTests package
ARTIFACTS=qa/target/qa-artifacts
DEMO=target/demo
rm -rf "$DEMO" && mkdir -p "$DEMO"
unzip -q "$ARTIFACTS/opensearch.zip" -d "$DEMO"
HOME_DIR="$(cd "$DEMO"/opensearch-* && pwd)"
export OPENSEARCH_JAVA_HOME="$JAVA_HOME" OPENSEARCH_JAVA_OPTS="-Xms1g -Xmx1g"
"$HOME_DIR/bin/opensearch-plugin" install --batch "file://$PWD/$ARTIFACTS/quiver-plugin.zip"

port=9200
while (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
URL="http://127.0.0.1:$port"
echo "== Starting OpenSearch on $URL"
"$HOME_DIR/bin/opensearch" -E discovery.type=single-node -E network.host=127.0.0.1 \
  -E http.port="$port" -E transport.port=$((port + 100)) -E cluster.name=quiver-demo \
  > "$DEMO/console.log" 2>&1 &
NODE_PID=$!
trap 'kill $NODE_PID 2>/dev/null; wait $NODE_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  curl -sf "$URL/_cluster/health" > /dev/null && break
  kill -0 $NODE_PID 2>/dev/null || { tail -40 "$DEMO/console.log"; echo "node died" >&2; exit 1; }
  sleep 1
done
curl -sf "$URL/_cat/plugins?v"

call() { # method path [body]
  curl -sS -X "$1" "$URL$2" -H 'Content-Type: application/json' ${3:+-d "$3"}
  echo
}

echo "== Creating index 'cities' with a quiver_vector field"
call PUT /cities '{
  "settings": {"number_of_shards": 1, "number_of_replicas": 0},
  "mappings": {"properties": {
    "name": {"type": "keyword"}, "continent": {"type": "keyword"},
    "location": {"type": "quiver_vector", "dims": 3, "similarity": "cosine",
                 "index_options": {"type": "hnsw", "m": 16, "ef_construction": 100}}}}}'

# name|continent|latitude|longitude
CITIES='Paris|Europe|48.86|2.35
London|Europe|51.51|-0.13
Berlin|Europe|52.52|13.40
Madrid|Europe|40.42|-3.70
Rome|Europe|41.90|12.50
Vienna|Europe|48.21|16.37
Amsterdam|Europe|52.37|4.90
Brussels|Europe|50.85|4.35
Zurich|Europe|47.38|8.54
Stockholm|Europe|59.33|18.07
Warsaw|Europe|52.23|21.01
Lisbon|Europe|38.72|-9.14
Athens|Europe|37.98|23.73
Dublin|Europe|53.35|-6.26
New York|North America|40.71|-74.01
Chicago|North America|41.88|-87.63
Toronto|North America|43.65|-79.38
Mexico City|North America|19.43|-99.13
Los Angeles|North America|34.05|-118.24
Vancouver|North America|49.28|-123.12
Sao Paulo|South America|-23.55|-46.63
Buenos Aires|South America|-34.60|-58.38
Lima|South America|-12.05|-77.04
Bogota|South America|4.71|-74.07
Cairo|Africa|30.04|31.24
Lagos|Africa|6.52|3.38
Nairobi|Africa|-1.29|36.82
Johannesburg|Africa|-26.20|28.05
Casablanca|Africa|33.57|-7.59
Tunis|Africa|36.81|10.18
Tokyo|Asia|35.68|139.69
Seoul|Asia|37.57|126.98
Beijing|Asia|39.90|116.41
Shanghai|Asia|31.23|121.47
Mumbai|Asia|19.08|72.88
Delhi|Asia|28.61|77.21
Singapore|Asia|1.35|103.82
Istanbul|Asia|41.01|28.98
Dubai|Asia|25.20|55.27
Sydney|Oceania|-33.87|151.21
Melbourne|Oceania|-37.81|144.96
Auckland|Oceania|-36.85|174.76'

vector_of() { # latitude longitude -> [x,y,z] on the unit sphere
  awk -v la="$1" -v lo="$2" 'BEGIN { r = atan2(0, -1) / 180;
    printf "[%.6f,%.6f,%.6f]", cos(la*r)*cos(lo*r), cos(la*r)*sin(lo*r), sin(la*r) }'
}

echo "== Indexing $(echo "$CITIES" | wc -l) cities"
BULK=""
while IFS='|' read -r name continent lat lon; do
  BULK+="{\"index\":{\"_id\":\"$name\"}}"$'\n'
  BULK+="{\"name\":\"$name\",\"continent\":\"$continent\",\"location\":$(vector_of "$lat" "$lon")}"$'\n'
done <<< "$CITIES"
curl -sS -X POST "$URL/cities/_bulk?refresh=true" -H 'Content-Type: application/x-ndjson' \
  --data-binary "$BULK" | grep -o '"errors":[a-z]*'

show() { # prints rank, city, score and the great-circle distance implied by the cosine score
  awk 'BEGIN { RS="\\{\"_index\""; } NR > 1 {
      match($0, /"_id":"[^"]*"/); id = substr($0, RSTART + 7, RLENGTH - 8);
      match($0, /"_score":[0-9.eE-]+/); s = substr($0, RSTART + 9, RLENGTH - 9);
      c = 2 * s - 1; if (c > 1) c = 1; km = 6371 * atan2(sqrt(1 - c * c), c);
      printf "   %d. %-14s score %.5f  (~%5.0f km)\n", NR - 1, id, s, km }'
}

knn() { # title latitude longitude k [extra json]
  echo "== $1"
  local q="{\"size\":$4,\"_source\":false,\"query\":{\"quiver_knn\":{\"field\":\"location\",\"vector\":$(vector_of "$2" "$3"),\"k\":$4${5:-}}}}"
  echo "   query: $q"
  call POST /cities/_search "$q" | show
}

knn "5 cities nearest to Paris (48.86, 2.35)" 48.86 2.35 5
knn "3 cities nearest to Honolulu (21.31, -157.86)" 21.31 -157.86 3
knn "3 African cities nearest to Rome, filter applied during the graph search" 41.90 12.50 3 \
  ',"filter":{"term":{"continent":"Africa"}}'
knn "Cities within ~1,000 km of Berlin (min_score)" 52.52 13.40 10 ',"min_score":0.99385'
echo "== Bad input is a 400 naming the field and the problem:"
call PUT /cities/_doc/bad '{"name":"Nowhere","location":[1,2]}'
echo "== Done; stopping the node."
