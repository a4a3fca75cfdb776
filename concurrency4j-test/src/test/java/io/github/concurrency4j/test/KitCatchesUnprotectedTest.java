package io.github.concurrency4j.test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.concurrency4j.Concurrency;
import jakarta.persistence.EntityManagerFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The kit's contracts fail for what is not protected. */
class KitCatchesUnprotectedTest {

    @Test
    void entityWithoutVersionFails() {
        VersionedEntityContract<KitNote> contract = new VersionedEntityContract<>() {
            @Override
            public EntityManagerFactory entityManagerFactory() {
                return Databases.emf();
            }

            @Override
            public Class<KitNote> entityType() {
                return KitNote.class;
            }

            @Override
            public KitNote newEntity() {
                return new KitNote(1L, "x");
            }

            @Override
            public void change(KitNote note) {
                note.text = "y";
            }
        };
        AssertionFailedError e = assertThrows(AssertionFailedError.class, contract::entityIsUnderManagement);
        assertTrue(e.getMessage().contains("has no @Version attribute"), e.getMessage());
    }

    @Test
    void undeclaredTableFails() {
        VersionedTableContract contract = new VersionedTableContract() {
            @Override
            public Concurrency concurrency() {
                return Databases.concurrency();
            }

            @Override
            public String table() {
                return "customer";
            }

            @Override
            public Map<String, Object> newRow() {
                return Map.of();
            }

            @Override
            public Map<String, Object> change() {
                return Map.of();
            }
        };
        AssertionFailedError e = assertThrows(AssertionFailedError.class, contract::tableIsUnderManagement);
        assertTrue(e.getMessage().contains("is not declared"), e.getMessage());
    }

    @Test
    void changeThatDoesNotBumpTheVersionFails() {
        VersionedTableContract contract = new ProductTableIsProtectedTest() {
            @Override
            public Map<String, Object> change() {
                return Map.of("note", "an untracked column"); // conditional on "name" only
            }
        };
        AssertionFailedError e = assertThrows(AssertionFailedError.class, contract::staleSaveIsRefused);
        assertTrue(e.getMessage().contains("must bump the version"), e.getMessage());
    }
}
