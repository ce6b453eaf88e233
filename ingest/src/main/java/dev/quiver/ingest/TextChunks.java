package dev.quiver.ingest;

/**
 * The chunks of one text, each embedded into one dense vector, with where each chunk lies in the
 * text: chunk {@code c} is {@code text.substring(starts[c], ends[c])}.
 *
 * @param vectors per chunk, its vector
 * @param starts per chunk, its first {@code char} index in the text
 * @param ends per chunk, the {@code char} index after its last
 */
public record TextChunks(float[][] vectors, int[] starts, int[] ends) {}
