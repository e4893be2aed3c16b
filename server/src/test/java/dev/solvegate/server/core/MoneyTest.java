package dev.solvegate.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void moneyRoundTripsAndRefusesSubMicroAmounts() {
        assertThat(Money.parse("0.00075")).isEqualTo(750);
        assertThat(Money.format(750)).isEqualTo("0.000750");
        assertThat(Money.decimal(12_345_600).toPlainString()).isEqualTo("12.3456");
        assertThat(Money.decimal(5_000_000).toPlainString()).isEqualTo("5");
        assertThat(Money.parse("-5")).isEqualTo(-5_000_000);
        assertThatThrownBy(() -> Money.parse("1e400")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.parse("abc")).isInstanceOf(IllegalArgumentException.class);
    }
}
