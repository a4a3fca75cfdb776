package io.github.concurrency4j.testing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A real data source that records every SQL statement executed through it, to prove how many round-trips an
 * operation costs. Everything is passed to the real driver.
 */
public final class CountingDataSource implements DataSource {
    private final DataSource target;
    private final List<String> executed = new CopyOnWriteArrayList<>();
    private final List<String> transactionCalls = new CopyOnWriteArrayList<>();

    public CountingDataSource(DataSource target) {
        this.target = target;
    }

    /** The statements executed since the last {@link #reset()}. */
    public List<String> executed() {
        return List.copyOf(executed);
    }

    /**
     * The transaction control calls on connections ({@code setSavepoint}, {@code rollback}, {@code releaseSavepoint},
     * {@code commit}) since the last {@link #reset()}: round-trips that {@link #executed()} does not list.
     */
    public List<String> transactionCalls() {
        return List.copyOf(transactionCalls);
    }

    /** Forgets what was executed. */
    public void reset() {
        executed.clear();
        transactionCalls.clear();
    }

    /** A connection made elsewhere (a raw one, outside a pool), recorded as this data source's own are. */
    public Connection counted(Connection connection) {
        return wrap(connection);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(target.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(target.getConnection(username, password));
    }

    private Connection wrap(Connection c) {
        InvocationHandler h = (proxy, method, args) -> {
            String n = method.getName();
            if (n.equals("setSavepoint") || n.equals("rollback") || n.equals("releaseSavepoint")
                    || n.equals("commit")) {
                transactionCalls.add(n);
            }
            Object result = invoke(c, method, args);
            if (result instanceof PreparedStatement ps && method.getName().equals("prepareStatement")) {
                return statement(ps, (String) args[0], PreparedStatement.class);
            }
            if (result instanceof Statement s && method.getName().equals("createStatement")) {
                return statement(s, null, Statement.class);
            }
            return result;
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, h);
    }

    private <S extends Statement> S statement(S s, String sql, Class<S> type) {
        InvocationHandler h = (proxy, method, args) -> {
            String n = method.getName();
            if (n.startsWith("execute")) {
                executed.add(sql != null ? sql : String.valueOf(args == null ? n : args[0]));
            }
            return invoke(s, method, args);
        };
        return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, h));
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return target.isWrapperFor(iface);
    }
}
