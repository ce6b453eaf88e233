package dev.quiver.bench;

/** The {@code k} highest-scoring documents offered (a bounded min-heap; ties keep the first). */
final class TopK {

  private final int capacity;
  private final int[] docs;
  private final float[] scores;
  private int size;

  TopK(int capacity) {
    this.capacity = capacity;
    this.docs = new int[capacity];
    this.scores = new float[capacity];
  }

  void clear() {
    size = 0;
  }

  boolean isFull() {
    return size == capacity;
  }

  /** The lowest kept score (the k-th best once full). */
  float minScore() {
    return size == 0 ? Float.NEGATIVE_INFINITY : scores[0];
  }

  void offer(int doc, float score) {
    if (size < capacity) {
      int i = size++;
      docs[i] = doc;
      scores[i] = score;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (scores[parent] <= scores[i]) {
          break;
        }
        swap(i, parent);
        i = parent;
      }
    } else if (score > scores[0]) {
      docs[0] = doc;
      scores[0] = score;
      siftDown(0, size);
    }
  }

  /** How many of the kept documents are in {@code docs} (does not change the heap). */
  int countIn(int[] wanted) {
    int count = 0;
    for (int i = 0; i < size; i++) {
      for (int w : wanted) {
        if (docs[i] == w) {
          count++;
          break;
        }
      }
    }
    return count;
  }

  /** The kept documents, best first (destroys the heap). */
  int[] sortedDocs() {
    int n = size;
    for (int end = n - 1; end > 0; end--) {
      swap(0, end);
      siftDown(0, end);
    }
    int[] out = java.util.Arrays.copyOf(docs, n);
    size = 0;
    return out;
  }

  private void siftDown(int i, int end) {
    while (true) {
      int left = 2 * i + 1;
      if (left >= end) {
        return;
      }
      int child = left + 1 < end && scores[left + 1] < scores[left] ? left + 1 : left;
      if (scores[i] <= scores[child]) {
        return;
      }
      swap(i, child);
      i = child;
    }
  }

  private void swap(int a, int b) {
    int d = docs[a];
    docs[a] = docs[b];
    docs[b] = d;
    float s = scores[a];
    scores[a] = scores[b];
    scores[b] = s;
  }
}
