package io.github.concurrency4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void aPasswordInTheUrlIsNeverPrinted() {
        assertThat(Failures.redact("jdbc:mariadb://h/db?user=a&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:mariadb://h/db?user=a&password=***&ssl=true");
        assertThat(Failures.redact("jdbc:postgresql://h/db?PASSWORD=x")).isEqualTo("jdbc:postgresql://h/db?PASSWORD=***");
    }

    @Test
    void everyPasswordFormOfAUrlIsMaskedWhole() {
        // In a query string a ';' belongs to the value: only '&' ends it.
        assertThat(Failures.redact("jdbc:postgresql://h/db?password=abc;SECRET&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?password=***&ssl=true");
        assertThat(Failures.redact("jdbc:mariadb://user:SE;CR@ET@host:3306/db"))
                .isEqualTo("jdbc:mariadb://user:***@host:3306/db");
        assertThat(Failures.redact("jdbc:h2:tcp://h/db;USER=sa;Password=SECRET;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:tcp://h/db;USER=sa;Password=***;MODE=PostgreSQL");
        assertThat(Failures.redact("jdbc:mariadb://address=(host=h)(port=3306)(password=SE&CRET)/db"))
                .isEqualTo("jdbc:mariadb://address=(host=h)(port=3306)(password=***)/db");
        assertThat(Failures.redact("jdbc:postgresql://h/db?sslpassword=a&PWD=b&user=u"))
                .isEqualTo("jdbc:postgresql://h/db?sslpassword=***&PWD=***&user=u");
        // A user name with '@' in the query is not a password: host, port and path stay readable.
        assertThat(Failures.redact("jdbc:postgresql://srv:5432/db?user=me@srv"))
                .isEqualTo("jdbc:postgresql://srv:5432/db?user=me@srv");
    }

    @Test
    void thePasswordsOfTheArgumentsAreMaskedWhereverTheyAppear() {
        Redaction r = Redaction.ofArguments(new String[] {"triggers", "list", "--url",
                "jdbc:postgresql://h/db?password=p%40ss-w0rd"});
        assertThat(r.apply("FATAL: password authentication failed for p@ss-w0rd (p%40ss-w0rd)"))
                .isEqualTo("FATAL: password authentication failed for *** (***)");
        assertThat(Redaction.ofArguments(new String[] {"--password=hunter22"})
                .apply("Unknown option: '--password=hunter22'")).isEqualTo("Unknown option: '--password=***'");
    }

    @Test
    void aMultiLineDriverMessageBecomesItsFirstLine() {
        SQLException e = new SQLException("FATAL: database \"x\" does not exist\n  Where: somewhere");
        assertThat(Failures.oneLine(e)).isEqualTo("FATAL: database \"x\" does not exist");
        assertThat(Failures.oneLine(new SQLException("outer", new SQLException("the real cause"))))
                .isEqualTo("outer: the real cause");
    }

    @Test
    void theCommandReturnsItsExitCodeWithoutExiting() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(new String[] {"triggers", "check", "--url", "jdbc:h2:mem:c4j_cli_unit", "--table", "nope"},
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        assertThat(code).isEqualTo(Main.EXIT_ERROR);
        assertThat(err.toString()).startsWith("error: Table 'nope' does not exist");
    }
}
