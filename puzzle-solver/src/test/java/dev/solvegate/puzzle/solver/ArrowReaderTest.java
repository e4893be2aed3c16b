package dev.solvegate.puzzle.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reader's angle convention on clean arrows drawn here: 0 is up, clockwise positive. */
class ArrowReaderTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 45, 90, 135, 180, -135, -90, -45, 10, -10})
    void readsTheTurnOfACleanArrow(int degrees) throws Exception {
        double tilt = ArrowReader.tilt(arrow(degrees));

        double error = Math.abs(((tilt - degrees) % 360 + 540) % 360 - 180);
        assertThat(error).isCloseTo(0, within(3.0));
    }

    @Test
    void publicEntryPicksTheMostUprightAndSkipsUnreadableImages() throws Exception {
        byte[] junk = {1, 2, 3};
        assertThat(ArrowImages.mostUpright(List.of(arrow(90), junk, arrow(-40), arrow(4), arrow(180))))
                .isEqualTo(3);
        assertThat(ArrowImages.tilt(arrow(-90))).isCloseTo(-90, within(3.0));
        assertThatThrownBy(() -> ArrowImages.mostUpright(List.of(junk))).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] arrow(int degrees) throws IOException {
        BufferedImage img = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(230, 225, 210));
        g.fillRect(0, 0, 128, 128);
        g.translate(64, 64);
        g.rotate(Math.toRadians(degrees));
        g.setColor(new Color(20, 40, 120));
        g.fillRect(-5, -10, 10, 46);
        g.fillPolygon(new Polygon(new int[] {0, 17, -17}, new int[] {-36, -8, -8}, 3));
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
