package dev.solvegate.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;

/**
 * One HTTP reply: its status, headers and body as a JSON object (null when the body is not one).
 * Thread-safety: immutable.
 */
record Reply(int status, HttpHeaders headers, JsonNode json) {}
