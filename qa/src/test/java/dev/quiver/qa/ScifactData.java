package dev.quiver.qa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quiver.ingest.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The BEIR SciFact test split in {@code <shared>/datasets/scifact/}: corpus, queries and graded
 * relevance judgements, and nDCG@k and recall@k over them.
 */
final class ScifactData {

  /** A corpus document. */
  record Doc(String id, String title, String text) {
    /** What a dense retriever embeds: {@code title + " " + text} (the BEIR convention). */
    String content() {
      return title + " " + text;
    }
  }

  private ScifactData() {}

  /**
   * The data set's directory; a failed or skipped test when it is absent (see {@link SharedData}).
   *
   * @param purpose what the caller measures with it, for the message
   */
  static Path dir(String purpose) {
    return SharedData.require(
        "datasets/scifact", purpose, "corpus.jsonl.gz", "queries.jsonl", "qrels/test.tsv");
  }

  /** The corpus in file order. */
  static List<Doc> corpus(Path dir) throws IOException {
    List<Doc> docs = new ArrayList<>();
    try (InputStream in =
            new GZIPInputStream(Files.newInputStream(dir.resolve("corpus.jsonl.gz")));
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode doc = Rest.JSON.readTree(line);
        docs.add(
            new Doc(doc.get("_id").asText(), doc.path("title").asText(), doc.get("text").asText()));
      }
    }
    return docs;
  }

  /** Query text by query id, in file order. */
  static Map<String, String> queries(Path dir) throws IOException {
    Map<String, String> queries = new LinkedHashMap<>();
    for (String line : Files.readAllLines(dir.resolve("queries.jsonl"), StandardCharsets.UTF_8)) {
      if (line.isBlank() == false) {
        JsonNode q = Rest.JSON.readTree(line);
        queries.put(q.get("_id").asText(), q.get("text").asText());
      }
    }
    return queries;
  }

  /** The test judgements: per query id, the graded relevance of each judged corpus id. */
  static Map<String, Map<String, Integer>> testQrels(Path dir) throws IOException {
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(dir.resolve("qrels/test.tsv"), StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || (i == 0 && line.startsWith("query-id"))) {
        continue;
      }
      String[] cols = line.split("\t");
      if (cols.length != 3) {
        throw new IOException("qrels/test.tsv line " + (i + 1) + ": expected 3 columns: " + line);
      }
      qrels
          .computeIfAbsent(cols[0], k -> new LinkedHashMap<>())
          .put(cols[1], Integer.parseInt(cols[2].trim()));
    }
    return qrels;
  }

  /**
   * nDCG@k of one ranking (trec_eval's {@code ndcg_cut}, as BEIR reports it): gain = graded
   * relevance, discount log2(rank + 1), normalized by the DCG of the ideal ranking of the judged
   * documents of this query.
   */
  static double ndcgAt(int k, List<String> ranking, Map<String, Integer> judged) {
    double dcg = 0;
    for (int i = 0; i < Math.min(k, ranking.size()); i++) {
      int rel = judged.getOrDefault(ranking.get(i), 0);
      dcg += rel / log2(i + 2);
    }
    List<Integer> ideal =
        judged.values().stream().filter(r -> r > 0).sorted(Comparator.reverseOrder()).toList();
    double idcg = 0;
    for (int i = 0; i < Math.min(k, ideal.size()); i++) {
      idcg += ideal.get(i) / log2(i + 2);
    }
    return idcg == 0 ? 0 : dcg / idcg;
  }

  /**
   * Recall@k of one ranking (trec_eval's {@code recall_k}, as BEIR reports it): the share of the
   * query's relevant documents (graded relevance above 0) among its first k.
   */
  static double recallAt(int k, List<String> ranking, Map<String, Integer> judged) {
    long relevant = judged.values().stream().filter(r -> r > 0).count();
    long found =
        ranking.stream().limit(k).filter(id -> judged.getOrDefault(id, 0) > 0).distinct().count();
    return relevant == 0 ? 0 : (double) found / relevant;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
