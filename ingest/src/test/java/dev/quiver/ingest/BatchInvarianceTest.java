package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Batching ({@code "batching": {"max_batch": N}} in {@code quiver-model.json}) on a float32 model
 * (bge-small-en-v1.5 fp32): texts of varied lengths embedded in length-bucketed, padded batches get
 * the vectors they get alone, within 1e-5 cosine, dense and per token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchInvarianceTest {

  private static final double TOLERANCE = 1e-5;

  private static final List<String> SENTENCES =
      List.of(
          "HTRF (Homogeneous Time Resolved Fluorescence) is the most frequently used generic assay"
              + " technology to measure analytes in a homogenous format.",
          "This technology combines fluorescence resonance energy transfer technology (FRET) with"
              + " time-resolved measurement (TR).",
          "Vitamin D deficiency is linked to bone loss.",
          "The striker scored twice in the final.",
          "Terbium cryptate possesses different photophysical properties compared to Europium,"
              + " including increased quantum yield and a higher molar extinction coefficient.",
          "Stock markets fell sharply on Monday.");

  private OnnxEmbedder alone;
  private OnnxEmbedder batched;

  @BeforeAll
  void open() throws IOException {
    ModelFiles fp32 = TestModels.fp32Model();
    assertEquals(1, fp32.config().maxBatch(), "the model directory's own config runs texts alone");
    alone = OnnxEmbedder.open(fp32, TestModels.settings());
    batched = OnnxEmbedder.open(TestModels.withMaxBatch(fp32, 16), TestModels.settings());
  }

  @AfterAll
  void close() {
    for (OnnxEmbedder e : new OnnxEmbedder[] {alone, batched}) {
      if (e != null) {
        e.close();
      }
    }
  }

  /**
   * 30 texts from 1 to about 700 tokens (some truncated to 512), six of them within a few tokens of
   * each other, shuffled.
   */
  private static List<String> variedTexts() {
    Random random = new Random(7);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      StringBuilder text = new StringBuilder();
      int sentences = i < 4 ? 0 : 1 + random.nextInt(i < 20 ? 12 : 30);
      for (int s = 0; s < sentences; s++) {
        text.append(SENTENCES.get(random.nextInt(SENTENCES.size()))).append(' ');
      }
      texts.add(sentences == 0 ? List.of("x", "cell", "bone loss", "").get(i) : text.toString());
    }
    // Six texts of nearly the same length (a few tokens apart): they share a batch, padded.
    for (int j = 0; j < 6; j++) {
      texts.add(String.join(" ", SENTENCES) + " and more".repeat(j));
    }
    Collections.shuffle(texts, random);
    return texts;
  }

  @Test
  void batchedDenseVectorsEqualOneAtATimeVectors() {
    List<String> texts = variedTexts();
    for (TextKind kind : TextKind.values()) {
      long runsBefore = batched.modelRuns();
      List<float[]> inBatches = batched.embed(texts, kind);
      long runs = batched.modelRuns() - runsBefore;
      assertTrue(runs <= texts.size() - 5, texts.size() + " texts in " + runs + " runs");
      double worst = 1;
      for (int i = 0; i < texts.size(); i++) {
        float[] single = alone.embed(texts.get(i), kind);
        double cos = VectorMath.cosine(single, inBatches.get(i));
        worst = Math.min(worst, cos);
        assertTrue(cos >= 1 - TOLERANCE, kind + " text " + i + " batched vs alone cosine " + cos);
      }
      System.out.printf(
          "BatchInvarianceTest %s: %d texts in %d runs, 1 - lowest dense cosine = %.2e%n",
          kind, texts.size(), runs, 1 - worst);
    }
  }

  @Test
  void batchedTokenVectorsEqualOneAtATimeTokenVectors() {
    List<String> texts = variedTexts();
    List<float[][]> inBatches = batched.tokenVectors(texts, TextKind.DOCUMENT);
    for (int i = 0; i < texts.size(); i++) {
      float[][] single = alone.tokenVectors(List.of(texts.get(i)), TextKind.DOCUMENT).get(0);
      assertEquals(single.length, inBatches.get(i).length, "text " + i);
      for (int t = 0; t < single.length; t++) {
        double cos = VectorMath.cosine(single[t], inBatches.get(i)[t]);
        assertTrue(cos >= 1 - TOLERANCE, "text " + i + " token " + t + " cosine " + cos);
      }
    }
  }

  @Test
  void chunkedLongTextsAreBatchInvariantToo() {
    String longText = String.join(" ", SENTENCES).repeat(30); // about 2,100 tokens: 5 chunks
    List<String> texts = List.of(longText, "short", SENTENCES.get(0));
    List<float[]> inBatches = batched.embed(texts, TextKind.DOCUMENT, LongText.CHUNK);
    for (int i = 0; i < texts.size(); i++) {
      float[] single = alone.embed(List.of(texts.get(i)), TextKind.DOCUMENT, LongText.CHUNK).get(0);
      double cos = VectorMath.cosine(single, inBatches.get(i));
      assertTrue(cos >= 1 - TOLERANCE, "text " + i + " cosine " + cos);
    }
  }
}
