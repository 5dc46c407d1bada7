package org.maskseg.core.io;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON settings of every file MaskSeg reads and writes (reports, manifests, splits, nnU-Net files), configured
 * once. Mappers are thread-safe once built, so each is shared.
 */
public final class Json {

    /**
     * For everything but plan files: indented output; reading accepts {@code NaN} and {@code Infinity}, which
     * Python's json module writes (nnU-Net's files) and undefined scores may hold; unknown properties of bound types
     * are skipped, so that files of a later version still load.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * For plan files, which users edit by hand: indented output, and a misspelt or missing field, a null for a
     * number or trailing text is an error rather than silently ignored.
     */
    public static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }
}
