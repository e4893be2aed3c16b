package dev.solvegate.server.logging;

import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * Writes each log record as one line on stderr and flushes it. Text: {@code time level logger: message}, with the
 * logger's short name (the part after the last dot); JSON ({@code format=json}): one object with {@code time},
 * {@code level}, {@code logger} (the full name) and {@code message}. A record's throwable is added as
 * {@code error} ({@code -- Type: message} in text); at WARNING and above also a compact stack ({@link Stacks}).
 * Line breaks inside a message are written as {@code \n}, so a record never spans lines.
 *
 * <p>Configured by {@link Logs} through the {@link LogManager} property {@code <this class>.format}. Thread-safety:
 * safe; each record is written with one call.
 */
public final class LineHandler extends Handler {

    private final boolean json;
    private final Formatter messages = new Formatter() {
        @Override
        public String format(LogRecord record) {
            return formatMessage(record);
        }
    };

    /** Called by {@link LogManager} for the {@code handlers} property. */
    public LineHandler() {
        this.json = "json".equals(LogManager.getLogManager().getProperty(LineHandler.class.getName() + ".format"));
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String line;
        try {
            line = json ? json(record) : text(record);
        } catch (RuntimeException e) {
            reportError("cannot format a log record", e, java.util.logging.ErrorManager.FORMAT_FAILURE);
            return;
        }
        PrintStream err = System.err;
        err.print(line + System.lineSeparator());
        err.flush();
    }

    String text(LogRecord record) {
        StringBuilder s = new StringBuilder(128)
                .append(time(record))
                .append(' ')
                .append(String.format("%-7s", record.getLevel().getName()))
                .append(' ')
                .append(shortName(record.getLoggerName()))
                .append(": ")
                .append(oneLine(messages.format(record)));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            s.append(" -- ").append(oneLine(thrown.toString()));
            if (severe(record)) {
                s.append(" @ ").append(Stacks.compact(thrown));
            }
        }
        return s.toString();
    }

    String json(LogRecord record) {
        StringBuilder s = new StringBuilder(160).append('{');
        field(s, "time", time(record)).append(',');
        field(s, "level", record.getLevel().getName()).append(',');
        field(s, "logger", record.getLoggerName() == null ? "" : record.getLoggerName())
                .append(',');
        field(s, "message", messages.format(record));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            field(s.append(','), "error", thrown.toString());
            if (severe(record)) {
                field(s.append(','), "stack", Stacks.compact(thrown));
            }
        }
        return s.append('}').toString();
    }

    private static boolean severe(LogRecord record) {
        return record.getLevel().intValue() >= Level.WARNING.intValue();
    }

    private static String time(LogRecord record) {
        return record.getInstant().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static String shortName(String logger) {
        if (logger == null || logger.isEmpty()) {
            return "root";
        }
        return logger.substring(logger.lastIndexOf('.') + 1);
    }

    private static String oneLine(String text) {
        return text == null
                ? "null"
                : text.strip().replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n");
    }

    private static StringBuilder field(StringBuilder s, String name, String value) {
        s.append('"').append(name).append("\":\"");
        String v = value == null ? "null" : value;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"');
    }

    @Override
    public void flush() {
        System.err.flush();
    }

    @Override
    public void close() {
        flush();
    }
}
