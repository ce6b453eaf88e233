package dev.quiver.bench;

/**
 * How one search is run: the graph search width and, for rescored formats, the oversample factor.
 *
 * <p>A float format takes the top {@code k} of a graph search that collects {@code numCandidates}.
 * A rescored format collects {@code max(numCandidates, oversample * k)} on the graph, keeps the
 * best {@code oversample * k} by the format's (quantized) scores, and returns the top {@code k} of
 * those by exact float similarity: the same semantics as Elasticsearch's {@code num_candidates}
 * with {@code rescore_vector.oversample}, so {@code oversample} alone decides how many raw vectors
 * a query reads.
 */
record SearchSetting(int numCandidates, int oversample) {

  int gathered(int k) {
    return oversample * k;
  }

  int graphCandidates(int k) {
    return Math.max(numCandidates, gathered(k));
  }
}
