package dev.quiver.plugin.codec;

import dev.quiver.codec.PerFieldQuiverCodec;
import dev.quiver.plugin.mapper.QuiverMultiVectorFieldType;
import dev.quiver.plugin.mapper.QuiverVectorFieldType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.opensearch.index.codec.CodecService;
import org.opensearch.index.codec.CodecServiceConfig;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.MapperService;

/**
 * OpenSearch's codecs for an index, each wrapped in a {@link PerFieldQuiverCodec} that writes the
 * index's {@code quiver_vector} fields with the format their mapping asks for, and the FDE vectors
 * of its {@code quiver_multi_vector} fields with the FDE format around theirs.
 */
public final class QuiverCodecService extends CodecService {

  private final MapperService mapperService;
  private final Map<String, Codec> wrapped = new ConcurrentHashMap<>();

  public QuiverCodecService(CodecServiceConfig config) {
    super(
        config.getMapperService(),
        config.getIndexSettings(),
        config.getLogger(),
        config.getAdditionalCodecs());
    this.mapperService = config.getMapperService();
  }

  @Override
  public Codec codec(String name) {
    Codec codec = super.codec(name);
    if (mapperService == null) {
      return codec;
    }
    return wrapped.computeIfAbsent(name, n -> new PerFieldQuiverCodec(codec, this::quiverFormat));
  }

  private KnnVectorsFormat quiverFormat(String field) {
    MappedFieldType type = mapperService.fieldType(field);
    if (type == null) {
      return null;
    }
    if (type.unwrap() instanceof QuiverVectorFieldType quiver) {
      return quiver.vectorsFormat();
    }
    return type.unwrap() instanceof QuiverMultiVectorFieldType multi ? multi.vectorsFormat() : null;
  }
}
