package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Looking tokens up in the vocabularies of {@code tokenizer.json} files of each model type. */
class TokenVocabularyTest {

  @TempDir Path dir;

  private TokenVocabulary vocabulary(String json) throws IOException {
    return TokenVocabulary.read(Files.writeString(dir.resolve("tokenizer.json"), json));
  }

  @Test
  void addedTokensComeFirstThenTheVocabularyObject() throws IOException {
    TokenVocabulary v =
        vocabulary(
            "{\"added_tokens\": [{\"id\": 7, \"content\": \"[Q] \"}, {\"id\": 9, \"content\": \"a\"}],"
                + " \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 1, \"[unused0]\": 2}}}");
    assertEquals(7, v.id("[Q] "));
    assertEquals(9, v.id("a"), "an added token wins over the vocabulary");
    assertEquals(2, v.id("[unused0]"));
    assertEquals(-1, v.id("[Q]"), "exact match only");
  }

  @Test
  void aUnigramVocabularyIsAListWhoseIndexIsTheId() throws IOException {
    TokenVocabulary v =
        vocabulary(
            "{\"model\": {\"type\": \"Unigram\", \"vocab\": [[\"<pad>\", 0.0], [\"<mask>\", 0.0],"
                + " [\"▁the\", -3.1]]}}");
    assertEquals(1, v.id("<mask>"));
    assertEquals(2, v.id("▁the"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> v.require("[MASK]", "late_interaction.mask_token"));
    assertTrue(
        e.getMessage().contains("key [late_interaction.mask_token]: [[MASK]] is not a token"),
        e.getMessage());
  }

  @Test
  void aFileWithoutVocabularyIsRefused() throws IOException {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> vocabulary("{\"model\": {}}"));
    assertTrue(e.getMessage().contains("has no model.vocab"), e.getMessage());
  }
}
