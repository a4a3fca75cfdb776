package io.github.concurrency4j.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.DeclarationException;
import org.junit.jupiter.api.Test;

class TriggerTargetTest {

    @Test
    void parsesTableAndOptionalVersionColumn() {
        assertThat(TriggerTarget.parse("product")).isEqualTo(TriggerTarget.of("product", "version"));
        assertThat(TriggerTarget.parse("product:rev")).isEqualTo(TriggerTarget.of("product", "rev"));
        assertThatThrownBy(() -> TriggerTarget.parse("a:b:c")).isInstanceOf(DeclarationException.class)
                .hasMessageContaining("TABLE:VERSION_COLUMN");
        assertThatThrownBy(() -> TriggerTarget.parse("product; drop table x")).isInstanceOf(DeclarationException.class)
                .hasMessageContaining("not a valid table name");
        assertThatThrownBy(() -> TriggerTarget.of("product", "v").withTriggerName("bad-name"))
                .isInstanceOf(DeclarationException.class).hasMessageContaining("not a valid trigger name");
    }

    @Test
    void defaultNameIsLowerCaseTableAndColumn() {
        assertThat(TriggerTarget.of("Product", "Version").triggerName(63)).isEqualTo("concurrency_product_version");
        assertThat(TriggerTarget.of("product", "version").withTriggerName("bump").triggerName(63)).isEqualTo("bump");
    }

    @Test
    void aTooLongNameIsShortenedWithAHashThatDependsOnTheWholeName() {
        String base = "a".repeat(70);
        String one = TriggerTarget.of(base + "1", "version").triggerName(63);
        String two = TriggerTarget.of(base + "2", "version").triggerName(63);

        assertThat(one).hasSize(63).matches("concurrency_a+_[0-9a-f]{8}");
        assertThat(two).hasSize(63).isNotEqualTo(one);
        assertThat(TriggerTarget.of(base + "1", "version").triggerName(63)).isEqualTo(one);
        assertThat(TriggerTarget.of(base + "1", "version").triggerName(64)).hasSize(64);
        assertThatThrownBy(() -> TriggerTarget.of("t", "v").triggerName(9))
                .hasMessageContaining("must be > 9, but was 9");
    }
}
