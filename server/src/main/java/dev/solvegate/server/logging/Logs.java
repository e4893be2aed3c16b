package dev.solvegate.server.logging;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.logging.LogManager;

/**
 * The process's one log set-up: every {@code java.util.logging} record (ours through {@code System.Logger},
 * Hikari, Flyway and JDBI through slf4j-jdk14, Helidon directly) goes to one {@link LineHandler} on stderr, one
 * line per record, as text or, with {@code SOLVEGATE_LOG_FORMAT=json}, as one JSON object. Levels: INFO, and
 * WARNING for Hikari, Flyway and Helidon, whose INFO records only narrate a normal start.
 *
 * <p>{@link #configure} must run first in {@code main}, before any library touches logging: it also installs
 * {@link KeepingLogManager}, so that records logged by shutdown hooks (a node draining) still reach the handler.
 * An operator's own {@code -Djava.util.logging.config.file} wins: then nothing is changed.
 *
 * <p>Thread-safety: call {@link #configure} once, from the main thread.
 */
public final class Logs {

    /** The variable that selects the format. */
    public static final String FORMAT_VARIABLE = "SOLVEGATE_LOG_FORMAT";

    /** Loggers whose INFO records are start-up narration: kept at WARNING. */
    static final String[] QUIET = {"com.zaxxer.hikari", "org.flywaydb", "io.helidon"};

    /** The two formats. */
    public enum Format {
        TEXT,
        JSON
    }

    /** A bad {@value #FORMAT_VARIABLE}; the message names the variable and the value. */
    public static final class Invalid extends RuntimeException {
        Invalid(String value) {
            super(FORMAT_VARIABLE + ": must be text or json: " + value);
        }
    }

    private Logs() {}

    /**
     * Reads {@value #FORMAT_VARIABLE} from {@code env} and configures logging for the whole process.
     *
     * @throws Invalid when the variable has a value other than {@code text} or {@code json}
     */
    public static void configure(Map<String, String> env) {
        Format format = format(env.get(FORMAT_VARIABLE));
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", KeepingLogManager.class.getName());
        }
        LogManager manager = LogManager.getLogManager();
        byte[] properties = properties(format);
        try {
            if (manager instanceof KeepingLogManager keeping) {
                keeping.readOwnConfiguration(new ByteArrayInputStream(properties));
            } else {
                manager.readConfiguration(new ByteArrayInputStream(properties));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The format a value of {@value #FORMAT_VARIABLE} names; unset or blank is text. */
    static Format format(String value) {
        if (value == null || value.isBlank()) {
            return Format.TEXT;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> Format.TEXT;
            case "json" -> Format.JSON;
            default -> throw new Invalid(value);
        };
    }

    private static byte[] properties(Format format) {
        Properties p = new Properties();
        p.setProperty("handlers", LineHandler.class.getName());
        p.setProperty(".level", "INFO");
        for (String quiet : QUIET) {
            p.setProperty(quiet + ".level", "WARNING");
        }
        p.setProperty(LineHandler.class.getName() + ".format", format.name().toLowerCase(Locale.ROOT));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            p.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
