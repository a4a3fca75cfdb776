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
