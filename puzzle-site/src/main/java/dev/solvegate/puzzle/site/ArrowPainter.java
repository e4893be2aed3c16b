package dev.solvegate.puzzle.site;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Paints one challenge image: an arrow of random colour, size, stroke width and position, turned by a given
 * angle, over a noisy gradient background with distractor lines and speckles.
 *
 * <p>Design note: the figure is solid and at least 9 px wide (its head at least 2.6 times that) while every
 * distractor is at most 2 px wide, and the figure is dark and saturated while the background is light. That is what makes the challenge readable
 * by real image analysis (threshold against the background, erode away thin clutter, take the largest blob);
 * the randomness is there so that nothing simpler (a fixed colour, a fixed position) gives the answer away.
 *
 * <p>Thread-safety: stateless; each call uses only the random source it is given.
 */
final class ArrowPainter {

    static final int SIZE = 128;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ArrowPainter() {}

    /**
     * Paints an arrow turned {@code degrees} clockwise from pointing up, as PNG bytes.
     *
     * @param rnd the random source for everything but the angle
     * @param degrees the clockwise rotation; 0 means the arrow points straight up
     */
    static byte[] paint(SplittableRandom rnd, double degrees) {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            background(g, rnd);
            lines(g, rnd);
            arrow(g, rnd, degrees);
            speckles(g, rnd);
        } finally {
            g.dispose();
        }
        noise(img, rnd);
        return png(img);
    }

    private static void background(Graphics2D g, SplittableRandom rnd) {
        int r = rnd.nextInt(180, 246);
        int gr = rnd.nextInt(180, 246);
        int b = rnd.nextInt(180, 246);
        Color from = new Color(r, gr, b);
        Color to = new Color(jitter(rnd, r, 12), jitter(rnd, gr, 12), jitter(rnd, b, 12));
        g.setPaint(new GradientPaint(
                rnd.nextInt(SIZE), rnd.nextInt(SIZE), from, rnd.nextInt(SIZE), rnd.nextInt(SIZE), to));
        g.fillRect(0, 0, SIZE, SIZE);
    }

    private static void lines(Graphics2D g, SplittableRandom rnd) {
        int count = rnd.nextInt(3, 7);
        for (int i = 0; i < count; i++) {
            g.setColor(new Color(rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)));
            g.setStroke(new BasicStroke(rnd.nextBoolean() ? 1f : 1.5f));
            g.drawLine(rnd.nextInt(SIZE), rnd.nextInt(SIZE), rnd.nextInt(SIZE), rnd.nextInt(SIZE));
        }
    }

    private static void arrow(Graphics2D g, SplittableRandom rnd, double degrees) {
        float hue = (float) rnd.nextDouble();
        float sat = (float) rnd.nextDouble(0.55, 1.0);
        float val = (float) rnd.nextDouble(0.15, 0.5);
        g.setColor(Color.getHSBColor(hue, sat, val));
        double length = rnd.nextDouble(60, 88);
        double shaft = rnd.nextDouble(9, 13);
        double headWidth = Math.max(2.6 * shaft, length * rnd.nextDouble(0.40, 0.52));
        double headLength = length * rnd.nextDouble(0.30, 0.40);
        double radius = Math.hypot(headWidth / 2, length / 2) + 2;
        double cx = rnd.nextDouble(radius, SIZE - radius);
        double cy = rnd.nextDouble(radius, SIZE - radius);

        Path2D.Double shape = new Path2D.Double();
        shape.append(
                new Rectangle2D.Double(-shaft / 2, -length / 2 + headLength - 1, shaft, length - headLength + 1),
                false);
        shape.moveTo(0, -length / 2);
        shape.lineTo(headWidth / 2, -length / 2 + headLength);
        shape.lineTo(-headWidth / 2, -length / 2 + headLength);
        shape.closePath();

        AffineTransform at = new AffineTransform();
        at.translate(cx, cy);
        at.rotate(Math.toRadians(degrees));
        g.fill(at.createTransformedShape(shape));
    }

    private static void speckles(Graphics2D g, SplittableRandom rnd) {
        int count = rnd.nextInt(60, 140);
        for (int i = 0; i < count; i++) {
            g.setColor(new Color(rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)));
            int s = rnd.nextInt(1, 3);
            g.fillRect(rnd.nextInt(SIZE), rnd.nextInt(SIZE), s, s);
        }
    }

    private static void noise(BufferedImage img, SplittableRandom rnd) {
        int[] pixels = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < pixels.length; i++) {
            int rgb = pixels[i];
            int r = clamp(((rgb >> 16) & 0xff) + rnd.nextInt(-14, 15));
            int gr = clamp(((rgb >> 8) & 0xff) + rnd.nextInt(-14, 15));
            int b = clamp((rgb & 0xff) + rnd.nextInt(-14, 15));
            pixels[i] = (r << 16) | (gr << 8) | b;
        }
    }

    private static int jitter(SplittableRandom rnd, int v, int by) {
        return clamp(v + rnd.nextInt(-by, by + 1));
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /** PNG with fast deflate: the noise makes the pixels nearly incompressible, so effort buys nothing. */
    private static byte[] png(BufferedImage img) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream(48 * 1024);
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            writer.setOutput(ios);
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("writing PNG to memory failed", e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
