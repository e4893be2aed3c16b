package dev.solvegate.server.solver;

/**
 * The parent of every plugin's class loader: the JDK (through the platform class loader) and the SPI's
 * classes, {@code dev.solvegate.spi.*}, from the server, so plugin and server share one {@code Solver} type;
 * nothing else of the server, neither its classes nor its libraries nor its resources.
 *
 * <p>Thread-safety: safe (class loading is parallel capable).
 */
final class SpiOnlyClassLoader extends ClassLoader {

    static final String SPI_PACKAGE = "dev.solvegate.spi.";

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader server;

    /** @param server the loader that defines the server's SPI classes */
    SpiOnlyClassLoader(ClassLoader server) {
        super("solvegate-spi", ClassLoader.getPlatformClassLoader());
        this.server = server;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(SPI_PACKAGE)) {
            return server.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }
}
