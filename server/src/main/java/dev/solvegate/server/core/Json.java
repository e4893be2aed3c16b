package dev.solvegate.server.core;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one configured JSON mapper. It reads exactly one JSON value: bytes after it ({@code {"clientKey":"K"}
 * garbage}) and an object naming a key twice ({@code {"clientKey":"wrong","clientKey":"K"}}, where the last
 * would otherwise win) are refused, so what the service checks is what the client sent. Thread-safety:
 * ObjectMapper is safe once configured.
 */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {}
}
