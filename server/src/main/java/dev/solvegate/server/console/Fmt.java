package dev.solvegate.server.console;

import dev.solvegate.server.core.Money;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the consoles' pages write money, times and durations. Thread-safety: stateless. */
public final class Fmt {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private Fmt() {}

    /** Micro-units as a decimal with six places. */
    public static String money(long micros) {
        return Money.format(micros);
    }

    /** Micro-units, or a dash for none. */
    public static String money(Long micros) {
        return micros == null ? "—" : Money.format(micros);
    }

    /** An epoch-ms instant in UTC, to the second. */
    public static String time(long epochMs) {
        return TIME.format(Instant.ofEpochMilli(epochMs));
    }

    /** An epoch-ms instant, or a dash for none. */
    public static String time(Long epochMs) {
        return epochMs == null ? "—" : time(epochMs.longValue());
    }

    /** The ISO-8601 form, for {@code <time datetime>}. */
    public static String iso(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    /** A UTC day (days since the epoch) as {@code 2026-12-01}. */
    public static String day(long epochDay) {
        return LocalDate.ofEpochDay(epochDay).toString();
    }

    /** The time from {@code start} to {@code end} in seconds, or a dash while running. */
    public static String duration(long start, Long end) {
        if (end == null) {
            return "—";
        }
        return String.format(java.util.Locale.ROOT, "%.1f s", (end - start) / 1000.0);
    }
}
