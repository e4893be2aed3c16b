package dev.solvegate.puzzle.solver;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * Reads which way the arrow in one challenge image points.
 *
 * <p>Design note: the steps are the classic ones, each chosen for what the site's images are made of.
 *
 * <ol>
 *   <li>Background: the per-channel median of the border pixels (the figure never touches the border).
 *   <li>Foreground mask: pixels whose summed channel distance from the background exceeds {@value #THRESHOLD}
 *       (background noise and gradient stay well below; the dark saturated figure well above).
 *   <li>Two 3x3 erosions: strips everything at most 4 px wide (distractor lines, speckles) while the figure,
 *       at least 6 px wide, survives.
 *   <li>The largest 8-connected blob, with any blob at least a fifth its size, is the figure. Its second moments give the arrow's axis; of the two ends,
 *       the head is the wider one (its half-width is several times the shaft's).
 * </ol>
 *
 * <p>Thread-safety: stateless.
 */
final class ArrowReader {

    /** An image this reader cannot make sense of. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    static final int THRESHOLD = 140;
    static final int MIN_FIGURE_PIXELS = 80;
    static final int MAX_SIDE = 1024;

    private ArrowReader() {}

    /**
     * The arrow's turn from pointing straight up, in degrees, clockwise positive, in (-180, 180].
     *
     * @throws Unreadable when the bytes are not an image of sensible size or hold no figure
     */
    static double tilt(byte[] png) throws Unreadable {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException | RuntimeException e) {
            throw new Unreadable("image does not decode: " + e.getMessage());
        }
        if (img == null) {
            throw new Unreadable("image is in no format ImageIO knows");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        if (w < 16 || h < 16 || w > MAX_SIDE || h > MAX_SIDE) {
            throw new Unreadable("image size out of range 16.." + MAX_SIDE + ": " + w + "x" + h);
        }
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        boolean[] mask = erode(erode(foreground(rgb, w, h), w, h), w, h);
        int[] blob = figure(mask, w, h);
        if (blob.length < MIN_FIGURE_PIXELS) {
            throw new Unreadable("no figure found (" + blob.length + " px, need " + MIN_FIGURE_PIXELS + ")");
        }
        return orientation(blob, w);
    }

    private static boolean[] foreground(int[] rgb, int w, int h) {
        int border = 2 * (w + h) * 2;
        int[][] channels = new int[3][border];
        int n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (x < 2 || y < 2 || x >= w - 2 || y >= h - 2) {
                    int p = rgb[y * w + x];
                    if (n < border) {
                        channels[0][n] = (p >> 16) & 0xff;
                        channels[1][n] = (p >> 8) & 0xff;
                        channels[2][n] = p & 0xff;
                        n++;
                    }
                }
            }
        }
        int br = median(channels[0], n);
        int bg = median(channels[1], n);
        int bb = median(channels[2], n);
        boolean[] mask = new boolean[w * h];
        for (int i = 0; i < mask.length; i++) {
            int p = rgb[i];
            int d = Math.abs(((p >> 16) & 0xff) - br) + Math.abs(((p >> 8) & 0xff) - bg) + Math.abs((p & 0xff) - bb);
            mask[i] = d > THRESHOLD;
        }
        return mask;
    }

    private static int median(int[] values, int n) {
        int[] copy = Arrays.copyOf(values, n);
        Arrays.sort(copy);
        return copy[n / 2];
    }

    private static boolean[] erode(boolean[] in, int w, int h) {
        boolean[] out = new boolean[in.length];
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                int i = y * w + x;
                out[i] = in[i]
                        && in[i - 1]
                        && in[i + 1]
                        && in[i - w]
                        && in[i + w]
                        && in[i - w - 1]
                        && in[i - w + 1]
                        && in[i + w - 1]
                        && in[i + w + 1];
            }
        }
        return out;
    }

    /**
     * Pixel indices of the figure: the largest 8-connected blob of {@code mask}, together with every blob at least
     * a fifth its size (erosion can cut a thin shaft off its head; clutter that survives erosion is far smaller).
     */
    private static int[] figure(boolean[] mask, int w, int h) {
        int[] label = new int[mask.length];
        int[] queue = new int[mask.length];
        int[] sizes = new int[16];
        int labels = 0;
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || label[start] != 0) {
                continue;
            }
            labels++;
            if (labels == sizes.length) {
                sizes = Arrays.copyOf(sizes, sizes.length * 2);
            }
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            label[start] = labels;
            while (head < tail) {
                int i = queue[head++];
                int x = i % w;
                int y = i / w;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        int ny = y + dy;
                        if (nx < 0 || ny < 0 || nx >= w || ny >= h) {
                            continue;
                        }
                        int j = ny * w + nx;
                        if (mask[j] && label[j] == 0) {
                            label[j] = labels;
                            queue[tail++] = j;
                        }
                    }
                }
            }
            sizes[labels] = tail;
        }
        int largest = 0;
        for (int l = 1; l <= labels; l++) {
            largest = Math.max(largest, sizes[l]);
        }
        int keep = Math.max(1, largest / 5);
        int n = 0;
        for (int i = 0; i < mask.length; i++) {
            if (label[i] != 0 && sizes[label[i]] >= keep) {
                queue[n++] = i;
            }
        }
        return Arrays.copyOf(queue, n);
    }

    private static double orientation(int[] blob, int w) {
        double cx = 0;
        double cy = 0;
        for (int i : blob) {
            cx += i % w;
            cy += i / w;
        }
        cx /= blob.length;
        cy /= blob.length;
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        for (int i : blob) {
            double dx = i % w - cx;
            double dy = i / w - cy;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }
        double axis = 0.5 * Math.atan2(2 * sxy, sxx - syy);
        double ux = Math.cos(axis);
        double uy = Math.sin(axis);
        double tMin = Double.MAX_VALUE;
        double tMax = -Double.MAX_VALUE;
        for (int i : blob) {
            double t = (i % w - cx) * ux + (i / w - cy) * uy;
            tMin = Math.min(tMin, t);
            tMax = Math.max(tMax, t);
        }
        double band = 0.3 * (tMax - tMin);
        double widthLow = 0;
        double widthHigh = 0;
        for (int i : blob) {
            double dx = i % w - cx;
            double dy = i / w - cy;
            double t = dx * ux + dy * uy;
            double s = Math.abs(-dx * uy + dy * ux);
            if (t <= tMin + band) {
                widthLow = Math.max(widthLow, s);
            } else if (t >= tMax - band) {
                widthHigh = Math.max(widthHigh, s);
            }
        }
        double sign = widthHigh >= widthLow ? 1 : -1;
        double headX = sign * ux;
        double headY = sign * uy;
        return Math.toDegrees(Math.atan2(headX, -headY));
    }
}
