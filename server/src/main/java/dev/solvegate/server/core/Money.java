package dev.solvegate.server.core;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money is a {@code long} of micro-units (1e-6) inside, a decimal on the wire. Thread-safety: stateless.
 */
public final class Money {

    public static final int SCALE = 6;

    private Money() {}

    /**
     * Reads a decimal amount such as {@code "0.00075"} or {@code "-5"}.
     *
     * @throws IllegalArgumentException naming the rule and the value, when it is not a decimal number, has more
     *     than six decimal places, or does not fit
     */
    public static long parse(String text) {
        BigDecimal value;
        try {
            value = new BigDecimal(text.strip());
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("not a decimal amount: " + text);
        }
        if (value.stripTrailingZeros().scale() > SCALE) {
            throw new IllegalArgumentException("more than 6 decimal places: " + text);
        }
        try {
            return value.movePointRight(SCALE).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("amount out of range: " + text);
        }
    }

    /** Six decimal places, as in {@code "0.000750"}. */
    public static String format(long micros) {
        return BigDecimal.valueOf(micros, SCALE).toPlainString();
    }

    /** The shortest exact decimal, for JSON numbers such as {@code 12.3456}. */
    public static BigDecimal decimal(long micros) {
        BigDecimal d = BigDecimal.valueOf(micros, SCALE).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0, RoundingMode.UNNECESSARY) : d;
    }
}
