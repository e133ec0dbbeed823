package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.unsupervisedzoo.zoo.catalog.ZooCatalog;

/** The one registry: catalog, train commands and README's table agree, one name per model. */
class ModelsTest {
    @Test
    void everyCatalogModelHasOneTrainCommandOfTheSameName() {
        List<String> specs = new ArrayList<>();
        Models.specs().forEach(s -> specs.add(s.name));
        assertEquals(ZooCatalog.names(), specs, "catalog order and names");
        assertEquals(ZooCatalog.names(), List.copyOf(Main.trainCommands().keySet()));
        for (Models.Spec s : Models.specs()) {
            assertEquals(s.name, s.runner.name());
            assertEquals(s.name, s.entry().name());
            assertTrue(s.entry().defaults().getClass().getName().endsWith(s.factory()), s.factory());
            assertTrue(Files.exists(repositoryRoot().resolve(s.page)), s.name + ": page " + s.page);
        }
    }

    @Test
    void readmeTableIsTheRegistrysTable() throws Exception {
        String readme = Files.readString(repositoryRoot().resolve("README.md"));
        assertTrue(readme.contains(Models.markdownTable()),
                "README's models table differs from 'list --markdown true'; paste its output into README:\n"
                        + Models.markdownTable());
    }

    @Test
    void retiredNamesPointToTheirModelAndOldRecordsStillLoad() {
        for (var e : Models.RETIRED.entrySet()) {
            for (String now : e.getValue().split(", | or ")) {
                assertNotNull(Main.trainCommands().get(now), e.getKey() + " -> " + now);
            }
            assertTrue(Models.retiredHint(e.getKey()).contains("'train " + e.getValue() + "'"));
        }
        RunRecord vae = Models.upgrade(new RunRecord("vae", "variational-autoencoder", List.of("--epochs", "3")));
        assertEquals("variational-autoencoder", vae.command);
        assertEquals(List.of("--epochs", "3"), vae.args);
        RunRecord gan = Models.upgrade(new RunRecord("gan", "conditional-dcgan",
                List.of("--model", "dcgan", "--epochs", "5", "--conditional", "true")));
        assertEquals("conditional-dcgan", gan.command);
        assertEquals(List.of("--epochs", "5"), gan.args);
        assertEquals("mlp-gan", Models.upgrade(new RunRecord("gan", "mlp-gan", List.of())).command);
        RunRecord current = new RunRecord("rbm", "rbm", List.of());
        assertEquals(current, Models.upgrade(current));
    }

    @Test
    void aRetiredNameOnTheCommandLineIsOneLineNamingTheNewOne() {
        CliTest.Result r = CliTest.cli("train", "vae", "--epochs", "1");
        CliTest.oneLineError(r, "'train vae' is now 'train variational-autoencoder'");
        r = CliTest.cli("train", "gan");
        CliTest.oneLineError(r, "mlp-gan, conditional-mlp-gan, dcgan or conditional-dcgan");
    }

    /** The repository root: tests run in the examples module's folder. */
    static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("README.md")) || p != null && !Files.exists(p.resolve("zoo"))) {
            p = p.getParent();
        }
        assertNotNull(p, "repository root");
        return p;
    }
}
