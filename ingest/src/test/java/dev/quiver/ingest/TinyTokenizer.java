package dev.quiver.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a tiny BERT-style WordPiece {@code tokenizer.json} (lower-casing, whitespace and
 * punctuation split, {@code [CLS] text [SEP]}), the id of each token being its index in the
 * vocabulary given. The vocabulary must hold {@code [PAD]}, {@code [UNK]}, {@code [CLS]}, {@code
 * [SEP]} and {@code [MASK]}, which become the tokenizer's special (added) tokens.
 */
public final class TinyTokenizer {

  private static final List<String> SPECIAL = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

  private TinyTokenizer() {}

  public static void write(Path file, List<String> vocabulary) throws IOException {
    StringBuilder added = new StringBuilder();
    for (String special : SPECIAL) {
      int id = vocabulary.indexOf(special);
      if (id < 0) {
        throw new IllegalArgumentException("vocabulary lacks " + special);
      }
      added.append(added.isEmpty() ? "" : ", ");
      added.append(
          "{\"id\": "
              + id
              + ", \"content\": \""
              + special
              + "\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\":"
              + " false, \"special\": true}");
    }
    StringBuilder vocab = new StringBuilder();
    for (int i = 0; i < vocabulary.size(); i++) {
      vocab.append(i == 0 ? "" : ", ");
      vocab.append('"').append(escape(vocabulary.get(i))).append("\": ").append(i);
    }
    int cls = vocabulary.indexOf("[CLS]");
    int sep = vocabulary.indexOf("[SEP]");
    String json =
        """
        {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [%s],
         "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                        "strip_accents": null, "lowercase": true},
         "pre_tokenizer": {"type": "BertPreTokenizer"},
         "post_processor": {"type": "TemplateProcessing",
           "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                      {"Sequence": {"id": "A", "type_id": 0}},
                      {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
           "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                    {"Sequence": {"id": "A", "type_id": 0}},
                    {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                    {"Sequence": {"id": "B", "type_id": 1}},
                    {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
           "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [%d], "tokens": ["[CLS]"]},
                              "[SEP]": {"id": "[SEP]", "ids": [%d], "tokens": ["[SEP]"]}}},
         "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
         "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                   "max_input_chars_per_word": 100, "vocab": {%s}}}
        """
            .formatted(added, cls, sep, vocab);
    Files.writeString(file, json);
  }

  private static String escape(String token) {
    return token.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
