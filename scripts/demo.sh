#!/usr/bin/env bash
# The main job: builds Quiver, starts a real OpenSearch 3.8.0 node with the plugin and its default
# model installed, indexes a small demo corpus of raw texts into a quiver_semantic field (embedded
# in the node with ONNX Runtime, no pipeline), runs quiver_hybrid and quiver_semantic queries and
# prints the results and the number of REST calls to the first hybrid result, then stops the node.
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
command -v python3 > /dev/null || { echo "the demo prints results with python3: install it" >&2; exit 1; }
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

CALLS=0
call() { # method path [body]: a REST call, counted from the index creation on
  CALLS=$((CALLS + 1))
  curl -sS -X "$1" "$URL$2" -H 'Content-Type: application/json' ${3:+-d "$3"}
  echo
}

echo "== Models on this node (the default model ships inside the plugin)"
for _ in $(seq 1 120); do
  curl -s "$URL/_plugins/_quiver/models" | grep -q '"state":"loaded"' && break
  sleep 1
done
call GET "/_plugins/_quiver/models?pretty"

CALLS=0

echo "== Call 1: create 'facts' with a quiver_semantic field (text in; the node makes the vectors, no pipeline)"
call PUT /facts '{
  "settings": {"number_of_shards": 1, "number_of_replicas": 0},
  "mappings": {"properties": {
    "text": {"type": "quiver_semantic", "model": "bge-small-en-v1.5", "index_options": {"type": "int8_hnsw"}},
    "topic": {"type": "keyword"}}}}'

# topic|text
FACTS='health|Vaccines train the immune system to recognise a pathogen before an infection happens.
health|Regular physical exercise lowers blood pressure and the risk of heart disease.
health|Antibiotics kill bacteria but have no effect on viral infections such as the flu.
health|Sleep deprivation impairs memory consolidation and attention.
health|A diet rich in fibre supports healthy digestion and gut bacteria.
earth|Earthquakes happen when tectonic plates slip suddenly along a fault.
earth|Volcanoes form where magma from the mantle reaches the surface.
earth|Glaciers carve U-shaped valleys as they slowly move downhill.
earth|Ocean tides are caused mainly by the gravitational pull of the Moon.
earth|Hurricanes draw their energy from warm ocean water.
space|The Sun is a medium-sized star about 4.6 billion years old.
space|Jupiter is the largest planet in the solar system and has dozens of moons.
space|A light-year is the distance light travels in one year, about 9.46 trillion kilometres.
space|Black holes have gravity so strong that not even light can escape them.
space|The International Space Station orbits Earth roughly every 90 minutes.
tech|Search engines build an inverted index that maps each word to the documents containing it.
tech|Vector databases find the nearest neighbours of an embedding among millions of vectors.
tech|HNSW is a graph index for approximate nearest neighbour search.
tech|Compilers translate source code into machine instructions.
tech|Public-key cryptography lets two parties agree on a secret over an open channel.
food|Bread rises because yeast ferments sugars and releases carbon dioxide.
food|Espresso is brewed by forcing hot water through finely ground coffee under pressure.
food|Olive oil is pressed from the fruit of olive trees, common around the Mediterranean.
food|Cheese is made by curdling milk with rennet or acid and ageing the curds.
history|The printing press, developed by Gutenberg around 1440, spread books across Europe.
history|The Roman aqueducts carried water to cities over long distances using gravity.
history|The first powered airplane flight was made by the Wright brothers in 1903.
history|The Great Wall of China was built over centuries to protect against northern invasions.'

LONG="Coffee, a brewed drink, is prepared from roasted coffee beans, the seeds of berries from certain Coffea species. $(printf 'Its history is long and spans many countries and centuries of trade. %.0s' $(seq 1 40))The caffeine in coffee is a stimulant that blocks adenosine receptors in the brain, which is why a cup keeps people awake."
echo "== Call 2: _bulk the raw texts ($(echo "$FACTS" | wc -l) short ones, one long one that is cut into chunks)"
BULK=""
i=0
while IFS='|' read -r topic text; do
  i=$((i + 1))
  BULK+="{\"index\":{\"_id\":\"$i\"}}"$'\n'"{\"topic\":\"$topic\",\"text\":\"$text\"}"$'\n'
done <<< "$FACTS"
BULK+="{\"index\":{\"_id\":\"long\"}}"$'\n'"{\"topic\":\"food\",\"text\":\"$LONG\"}"$'\n'
CALLS=$((CALLS + 1))
curl -sS -X POST "$URL/facts/_bulk?refresh=true" -H 'Content-Type: application/x-ndjson' \
  --data-binary "$BULK" | grep -o '"errors":[a-z]*'

show() { # rank, score, topic and text of each hit
  python3 -c 'import json, sys
for n, h in enumerate(json.load(sys.stdin)["hits"]["hits"], 1):
    text = h["_source"]["text"]
    print("   %d. %.4f  [%s] %s" % (n, h["_score"], h["_source"]["topic"], text if len(text) < 110 else text[:100] + "..."))
    for c in h.get("fields", {}).get("_quiver_semantic.text.chunk", []):
        t = c.get("text", "")
        print("      matched chunk %s, characters %s..%s: %s" % (c.get("index"), c.get("start"), c.get("end"), t if len(t) < 110 else "..." + t[-100:]))'
}

ask() { # title body
  echo "== $1"
  echo "   query: $2"
  curl -sS -X POST "$URL/facts/_search" -H 'Content-Type: application/json' -d "$2" | show
}

echo "== Call 3: the first hybrid search (BM25 + semantic on the one field, fused)"
CALLS=$((CALLS + 1))
ask "quiver_hybrid shortcut: BM25 and quiver_semantic over 'text', fused once (default RRF)" \
  '{"size": 3, "query": {"quiver_hybrid": {"query": "how does yeast make bread rise", "fields": ["text"]}}}'
echo "== $CALLS REST calls from an empty node to the first hybrid result (create index, _bulk, _search)"
ask "Semantic search: no keyword in common with the best answer (the model's query prefix applied)" \
  '{"size": 3, "query": {"quiver_semantic": {"field": "text", "query": "how do shots protect us from disease", "k": 3}}}'
ask "Filter applied during the graph search: only the 'space' topic" \
  '{"size": 3, "query": {"quiver_semantic": {"field": "text", "query": "how far away are things in the universe", "k": 3, "filter": {"term": {"topic": "space"}}}}}'
ask "A long text scores as its best chunk; return_chunk says which one matched" \
  '{"size": 2, "query": {"quiver_semantic": {"field": "text", "query": "what keeps you awake after a cup", "k": 2, "return_chunk": true}}}'
ask "match on the same field is lexical (BM25)" \
  '{"size": 3, "query": {"match": {"text": "graph index"}}}'
echo "== Bad input is a 400 naming the field and the problem, and the document is not indexed:"
call PUT /facts/_doc/bad '{"topic": "none", "text": ""}'
call PUT /facts/_doc/bad2 '{"topic": "none", "text": {"not": "a string"}}'
echo "== Done; stopping the node."
