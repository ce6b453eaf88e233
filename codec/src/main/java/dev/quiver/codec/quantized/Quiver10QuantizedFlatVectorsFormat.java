package dev.quiver.codec.quantized;

import dev.quiver.codec.quant.CodeBits;
import dev.quiver.codec.quant.DocCorrections;
import dev.quiver.codec.quant.HadamardRotation;
import dev.quiver.codec.quiver10.ExhaustiveSearchVectorsReader;
import dev.quiver.codec.quiver10.Quiver10FlatVectorsFormat;
import dev.quiver.codec.quiver10.SegmentVersionAttribute;
import java.io.IOException;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsWriter;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.util.IOUtils;

/**
 * Float32 vectors stored twice: raw, through {@link Quiver10FlatVectorsFormat} (read only for exact
 * rescoring and merges), and as 1, 2, 4 or 8-bit codes of the rotated, centred vectors with
 * per-vector corrective terms (extended-RaBitQ codes, RaBitQ estimator; see {@link
 * dev.quiver.codec.quant}), which searches score against asymmetrically ({@link
 * QuantizedVectorsScorer}). Used on its own it searches exhaustively over the codes (estimated
 * scores); under {@link Quiver10QuantizedHnswVectorsFormat} it is the graph's storage.
 *
 * <p>The code space is the segment's: at flush the centroid is the mean of the segment's vectors
 * (of their unit copies for cosine), and a merge computes it and all codes again from the merged
 * raw vectors. 1- and 2-bit fields also get up to 32 (1-bit) or 16 (2-bit) cluster centroids by
 * default (at most 64 on request; {@link ClusterSample}: k-means, seeded per field name, on a
 * reservoir sample of the raw vectors, one cluster per 512 vectors, so a segment under 1,024
 * vectors keeps the mean alone): each document is coded around its nearest cluster centroid, which
 * shrinks the residual the 1 or 2 bits must describe, while a query is still encoded once, around
 * the mean, and gets per cluster two exact terms (see {@link
 * dev.quiver.codec.quant.DocumentQuantizer}); on SciFact (48k x 384) 1-bit recall@10 at oversample
 * 3 rose from 0.939 to 0.955 by brute force ({@code qa/bench/QUANTIZATION.md}). The rotation is a
 * seeded Hadamard rotation without padding ({@link HadamardRotation#overlapping}, {@value
 * #ROTATION_ROUNDS} rounds), its seed fixed per field name. Byte vectors are refused ({@link
 * IllegalArgumentException} naming the field).
 *
 * <h2>Files</h2>
 *
 * <ul>
 *   <li><b>.vec, .vemf, .qfm</b>: the raw vectors, see {@link Quiver10FlatVectorsFormat} (version
 *       1, opened for random access).
 *   <li><b>.qqd</b> (Quiver quantized data):
 *       <ul>
 *         <li>{@link CodecUtil#writeIndexHeader index header}: codec name {@value
 *             #DATA_CODEC_NAME}, the format version, segment id, segment suffix
 *         <li>per field, per vector in ordinal order (the raw format's), one record: the packed
 *             code ({@link CodeBits} layout, {@code codeDims * bits / 8} bytes), then 15 bytes of
 *             corrective terms ({@link DocCorrections}), little endian: <b>[float32]</b> rescale,
 *             <b>[float32]</b> additive, <b>[bfloat16]</b> error scale, <b>[bfloat16]</b> centred
 *             norm, <b>[uint24]</b> level sum; in a field of more than one cluster a 16th byte,
 *             <b>[uint8]</b> cluster id (the additive term then includes the exact shift from the
 *             cluster's frame to the mean's, {@code rescale * <xbar, P(c - c_k)>}, added for dot
 *             products, twice subtracted for Euclidean). A bfloat16 is the top 16 bits of the
 *             float32, rounded towards positive infinity (both terms are non-negative, so the error
 *             bound read back is never narrower than the one computed, and at most 0.8% wider)
 *         <li>{@link CodecUtil#writeFooter footer} (checksum)
 *       </ul>
 *   <li><b>.qqm</b> (Quiver quantized meta):
 *       <ul>
 *         <li>{@link CodecUtil#writeIndexHeader index header}: codec name {@value
 *             #META_CODEC_NAME}, the format version, segment id, segment suffix
 *         <li>per field written: <b>[int32]</b> field number, <b>[byte]</b> similarity (0
 *             euclidean, 1 dot product, 2 cosine, 3 maximum inner product), <b>[vint]</b>
 *             dimensions, <b>[vint]</b> number of vectors, <b>[byte]</b> code bits (wire number of
 *             {@link CodeBits}: 0 = 1 bit, 1 = 2, 2 = 4, 3 = 8), <b>[byte]</b> query bits (4 or 8),
 *             <b>[byte]</b> rotation rounds, <b>[int64]</b> rotation seed, <b>[float32 x
 *             dimensions]</b> centroid (the mean: queries are encoded around it), <b>[vint]</b>
 *             number of clusters K (1 to 256; 1: documents centred on the mean, records of 15 bytes
 *             of terms), <b>[float32 x dimensions] x K</b> cluster centroids (for K = 1 the mean
 *             again), <b>[vlong]</b> offset and <b>[vlong]</b> length of the field's records in
 *             .qqd
 *         <li><b>[int32]</b> -1, the end of fields
 *         <li>{@link CodecUtil#writeFooter footer} (checksum)
 *       </ul>
 * </ul>
 *
 * <p>On open the reader reads .qqm whole (checksum first), checks the header of .qqd and the
 * structure of its footer, and checks every field against the field infos (float32, similarity,
 * dimensions), the raw vectors (count) and .qqd (records of the expected length inside the file);
 * any disagreement is a {@link org.apache.lucene.index.CorruptIndexException}. {@code
 * checkIntegrity} verifies the checksum of .qqd. The bit width is read per field, so the SPI
 * instance reads segments of any width.
 *
 * <h2>Memory</h2>
 *
 * <p>{@code getOffHeapByteSize} reports per field {@code "vec"} (the raw floats: read only to
 * rescore and to merge, so they may stay on disk) and {@code "qqd"} (the codes: read by every
 * search, so they should stay in the page cache), and under the HNSW format also {@code "vex"} (the
 * graph). On heap a reader keeps only each field's centroid, cluster centroids (at most 64 x
 * dimensions floats) and rotation signs.
 *
 * <h2>Versions</h2>
 *
 * <ul>
 *   <li>{@link #VERSION_START} = 0: the files above, but each record's corrective terms take 20
 *       bytes: <b>[float32]</b> rescale, <b>[float32]</b> additive, <b>[float32]</b> error scale,
 *       <b>[int32]</b> level sum, <b>[float32]</b> centred norm.
 *   <li>{@link #VERSION_COMPACT_CORRECTIONS} = 1: the files above without clusters: .qqm has no
 *       cluster count nor cluster centroids, every record 15 bytes of corrective terms. Also from
 *       this version, new fields keep 4-bit queries against 4-bit codes (the query bits are
 *       recorded per field in .qqm, so this is not a layout change: a version-0 field keeps its
 *       8-bit queries).
 *   <li>{@link #VERSION_CLUSTERS} = 2 = {@link #VERSION_CURRENT}: the files above (cluster
 *       centroids in .qqm; a cluster id per record in fields of more than one cluster).
 * </ul>
 *
 * <p>The segment-info attribute {@code Quiver10QuantizedFlatVectorsFormat.version[.<segment
 * suffix>]} records the version (see {@link SegmentVersionAttribute}); a checked-in index per
 * version ({@code codec/src/test/resources/compat}) is read by every build. The class name is the
 * SPI name.
 */
public final class Quiver10QuantizedFlatVectorsFormat extends FlatVectorsFormat {

  /** SPI name, recorded per field in segments. */
  public static final String NAME = "Quiver10QuantizedFlatVectorsFormat";

  /** First version. */
  public static final int VERSION_START = 0;

  /**
   * Corrective terms in 15 bytes instead of 20 (error-bound terms as bfloat16, level sum in 24
   * bits), so that a record takes no more memory than one of Lucene's quantized formats.
   */
  public static final int VERSION_COMPACT_CORRECTIONS = 1;

  /**
   * 1- and 2-bit documents centred on the nearest of up to 16 (from 2026-12-02 on, 32 for 1-bit
   * codes; at most 64) k-means cluster centroids instead of the segment's mean (a cluster id per
   * record, the centroids in {@code .qqm}).
   */
  public static final int VERSION_CLUSTERS = 2;

  /** Version written now. */
  public static final int VERSION_CURRENT = VERSION_CLUSTERS;

  /** Largest number of dimensions (as the Quiver10 formats). */
  public static final int MAX_DIMENSIONS = Quiver10FlatVectorsFormat.MAX_DIMENSIONS;

  /** Bits per dimension of the SPI instance (it reads any width; it writes this one). */
  public static final int DEFAULT_BITS = 4;

  static final String META_EXTENSION = "qqm";
  static final String META_CODEC_NAME = "Quiver10QuantizedVectorsFormatMeta";
  static final String DATA_EXTENSION = "qqd";
  static final String DATA_CODEC_NAME = "Quiver10QuantizedVectorsFormatData";

  /** Sign-flip + FWHT rounds of the rotation written now (the number read is per field). */
  static final int ROTATION_ROUNDS = 3;

  /** Base of the per-field rotation seed written now (the seed read is per field). */
  static final long ROTATION_SEED = 0x51_75_69_76_65_72_31_30L;

  private final CodeBits bits;
  private final int maxClusters;
  private final Quiver10FlatVectorsFormat raw = Quiver10FlatVectorsFormat.forGraph();

  /** The SPI instance: writes {@value #DEFAULT_BITS}-bit codes. */
  public Quiver10QuantizedFlatVectorsFormat() {
    this(DEFAULT_BITS);
  }

  /**
   * @param bits bits per dimension of the codes: 1, 2, 4 or 8
   */
  public Quiver10QuantizedFlatVectorsFormat(int bits) {
    this(bits, maxClusters(bits));
  }

  /**
   * @param bits bits per dimension of the codes: 1, 2, 4 or 8
   * @param maxClusters most cluster centroids per field and segment, 1 (documents centred on the
   *     segment's mean, as in version 1) to {@value ClusterSample#MAX_CLUSTERS}; fewer in small
   *     segments (see {@link ClusterSample})
   */
  public Quiver10QuantizedFlatVectorsFormat(int bits, int maxClusters) {
    super(NAME);
    this.bits = CodeBits.of(bits);
    if (maxClusters < 1 || maxClusters > ClusterSample.MAX_CLUSTERS) {
      throw new IllegalArgumentException(
          "maxClusters must be 1 to "
              + ClusterSample.MAX_CLUSTERS
              + "; maxClusters="
              + maxClusters);
    }
    this.maxClusters = maxClusters;
  }

  /**
   * The default most clusters of a bit width: {@value ClusterSample#ONE_BIT_CLUSTERS} for 1-bit,
   * {@value ClusterSample#TWO_BIT_CLUSTERS} for 2-bit codes, 1 for 4- and 8-bit codes.
   */
  public static int maxClusters(int bits) {
    return switch (bits) {
      case 1 -> ClusterSample.ONE_BIT_CLUSTERS;
      case 2 -> ClusterSample.TWO_BIT_CLUSTERS;
      default -> 1;
    };
  }

  /** Bits per dimension this instance writes. */
  public int bits() {
    return bits.bits();
  }

  @Override
  public FlatVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return new QuantizedFlatVectorsWriter(state, bits, maxClusters, raw.fieldsWriter(state));
  }

  @Override
  public FlatVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    int version =
        SegmentVersionAttribute.read(
            state.segmentInfo, NAME, state.segmentSuffix, VERSION_START, VERSION_CURRENT);
    FlatVectorsReader rawReader = raw.fieldsReader(state);
    QuantizedFlatVectorsReader reader;
    try {
      reader = new QuantizedFlatVectorsReader(state, rawReader, version);
    } catch (Throwable t) {
      IOUtils.closeWhileSuppressingExceptions(t, rawReader);
      throw t;
    }
    return new ExhaustiveSearchVectorsReader(reader, version);
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return MAX_DIMENSIONS;
  }

  @Override
  public String toString() {
    return NAME
        + "(version="
        + VERSION_CURRENT
        + ", bits="
        + bits.bits()
        + ", maxClusters="
        + maxClusters
        + ", raw="
        + raw
        + ")";
  }
}
