package dev.solvegate.server.store;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source whose connections give up a read after {@code millis} of silence ({@link
 * Connection#setNetworkTimeout}, which the pool keeps across its own validation), so that a database behind a
 * silent partition is found unreachable in time. Thread-safety: as the wrapped data source.
 */
final class SilenceBound implements DataSource {

    private final DataSource delegate;
    private final int millis;

    SilenceBound(DataSource delegate, int millis) {
        this.delegate = delegate;
        this.millis = millis;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return bound(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return bound(delegate.getConnection(username, password));
    }

    private Connection bound(Connection c) throws SQLException {
        try {
            c.setNetworkTimeout(Runnable::run, millis);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }
}
