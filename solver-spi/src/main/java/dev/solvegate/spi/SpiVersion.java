package dev.solvegate.spi;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of this interface, {@code major.minor}, and the rule for which plugins a server loads.
 *
 * <p>A plugin jar names the SPI version it was built against in its manifest attribute {@value
 * #MANIFEST_ATTRIBUTE} (the example plugin's {@code pom.xml} writes it). A server loads a plugin when the
 * plugin's major version equals the server's and the plugin's minor version is not newer than the server's:
 * see {@link #canLoad(SpiVersion)} and the compatibility rule in {@code solver-spi/README.md}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param major changes only when something a plugin may use is removed or changes meaning; non-negative
 * @param minor changes when something is added that old plugins need not know about; non-negative
 */
public record SpiVersion(int major, int minor) implements Comparable<SpiVersion> {

    /** The manifest attribute of a plugin jar that names the SPI version it was built against. */
    public static final String MANIFEST_ATTRIBUTE = "Solvegate-Spi-Version";

    /** This SPI's version: what the server running it provides. */
    public static final SpiVersion CURRENT = new SpiVersion(1, 0);

    private static final Pattern FORM = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})");

    public SpiVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("SPI version parts must be non-negative: " + major + "." + minor);
        }
    }

    /**
     * Reads {@code major.minor}, such as {@code 1.0}.
     *
     * @throws IllegalArgumentException when the text is not of that form
     */
    public static SpiVersion parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("SPI version must be major.minor, such as 1.0: " + text);
        }
        return new SpiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /**
     * Whether a server providing this version can run a plugin built against {@code builtFor}: the same major
     * version, and a minor version not newer than this one.
     */
    public boolean canLoad(SpiVersion builtFor) {
        Objects.requireNonNull(builtFor, "builtFor");
        return builtFor.major == major && builtFor.minor <= minor;
    }

    @Override
    public int compareTo(SpiVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
