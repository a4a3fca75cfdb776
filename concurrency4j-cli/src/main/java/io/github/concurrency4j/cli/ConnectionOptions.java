package io.github.concurrency4j.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** How to reach the database. The password never goes on the command line: it comes from a variable or a file. */
final class ConnectionOptions {
    @Option(names = "--url", required = true, paramLabel = "JDBC_URL",
            description = "The database, e.g. jdbc:postgresql://localhost:5432/shop, jdbc:mariadb://localhost:3306/shop,"
                    + " jdbc:h2:./data/shop, jdbc:sqlite:shop.db")
    String url;

    @Option(names = "--user", paramLabel = "USER", description = "The database user.")
    String user;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Password password;

    @Option(names = "--verbose", description = "On error, print the stack trace too.")
    boolean verbose;

    static final class Password {
        @Option(names = "--password-env", paramLabel = "VAR",
                description = "Read the password from this environment variable.")
        String variable;

        @Option(names = "--password-file", paramLabel = "FILE",
                description = "Read the password from the first line of this file.")
        Path file;
    }

    /** Opens a connection, or fails with a message naming the URL (password blanked) and the cause. */
    Connection connect() {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        String pw = password();
        if (pw != null) {
            props.setProperty("password", pw);
        }
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            String shown = Failures.redact(url);
            if (e.getMessage() != null && e.getMessage().startsWith("No suitable driver")) {
                throw new CliException("No driver for " + shown + ": use a jdbc:postgresql:, jdbc:mariadb:, jdbc:h2: "
                        + "or jdbc:sqlite: URL.", e);
            }
            throw new CliException("Could not connect to " + shown + (user == null ? "" : " as " + user) + ": "
                    + Failures.oneLine(e), e);
        }
    }

    /** The password a password file holds: its first line, without the line end. */
    static String firstLine(String content) {
        int end = content.indexOf('\n');
        String line = end < 0 ? content : content.substring(0, end);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private String password() {
        if (password == null) {
            return null;
        }
        if (password.variable != null) {
            String v = System.getenv(password.variable);
            if (v == null) {
                throw new CliException("Environment variable " + password.variable + " (--password-env) is not set.");
            }
            return v;
        }
        try {
            return firstLine(Files.readString(password.file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new CliException("Cannot read the password file " + password.file + " (--password-file): "
                    + "no such file.", e);
        } catch (AccessDeniedException e) {
            throw new CliException("Cannot read the password file " + password.file + " (--password-file): "
                    + "permission denied.", e);
        } catch (IOException e) {
            throw new CliException("Cannot read the password file " + password.file + " (--password-file): "
                    + Failures.oneLine(e), e);
        }
    }
}
