package dev.solvegate.puzzle.solver;

import java.util.List;

/**
 * The solver's image analysis for readers outside this package, such as the end-to-end test that plays the
 * site's page in a browser and must decide, from the pixels the page shows, which image to click. The answer
 * comes only from the images, exactly as {@link PuzzleSolver} decides it.
 *
 * <p>Thread-safety: stateless.
 */
public final class ArrowImages {

    private ArrowImages() {}

    /**
     * The arrow's turn from pointing straight up, in degrees, clockwise positive, in (-180, 180].
     *
     * @param png the image's bytes (PNG or any format ImageIO reads)
     * @throws IllegalArgumentException when the image does not decode or holds no arrow
     */
    public static double tilt(byte[] png) {
        try {
            return ArrowReader.tilt(png);
        } catch (ArrowReader.Unreadable e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /**
     * The index of the image whose arrow is closest to upright; unreadable images are skipped.
     *
     * @throws IllegalArgumentException when no image is readable
     */
    public static int mostUpright(List<byte[]> pngs) {
        int best = -1;
        double bestTilt = Double.MAX_VALUE;
        for (int i = 0; i < pngs.size(); i++) {
            try {
                double tilt = Math.abs(ArrowReader.tilt(pngs.get(i)));
                if (tilt < bestTilt) {
                    bestTilt = tilt;
                    best = i;
                }
            } catch (ArrowReader.Unreadable e) {
                // skipped, as the solver does
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("none of the " + pngs.size() + " images is readable");
        }
        return best;
    }
}
