package org.unsupervisedzoo.zoo.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;

/** Without the weights artifact (the zoo's own tests): clear errors; checksums verified. */
class PretrainedTest {
    @Test
    void withoutTheWeightsArtifactEveryLoadNamesTheModelAndTheArtifact() {
        assertTrue(Pretrained.manifest().isEmpty());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Pretrained.load("variational-autoencoder"));
        assertTrue(e.getMessage().contains("'variational-autoencoder'") && e.getMessage().contains(Pretrained.ARTIFACT)
                && e.getMessage().contains("never downloaded"), e.getMessage());
        for (String[] m : new String[][] {{"dcgan", "mnist"}, {"self-organizing-map", "mnist"},
            {"variational-autoencoder", "fashion"}}) {
            IllegalStateException missing = assertThrows(IllegalStateException.class,
                    () -> Dl4jZooModel.of(m[0]).initPretrained(m[1]));
            assertTrue(missing.getMessage().contains("'" + m[0] + "' (" + m[1] + ")")
                    && missing.getMessage().contains(Pretrained.ARTIFACT), missing.getMessage());
        }
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Pretrained.load("vea"));
        assertTrue(unknown.getMessage().contains("'vea'"), unknown.getMessage());
    }

    @Test
    void aFileWhoseChecksumDiffersFromTheManifestIsRefused() throws Exception {
        ComputationGraph g = UndercompleteAutoencoder.builder().inputSize(6).hiddenSizes(3).build().init();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(g, bytes, false);
        byte[] b = bytes.toByteArray();
        Pretrained.Entry right = new Pretrained.Entry("undercomplete-autoencoder", "mnist", "x.zip",
                Pretrained.sha256(b), "train undercomplete-autoencoder", 1, 1, "", "test_bce_per_pixel", 0.1, 0.1);
        assertEquals(g.params(), Pretrained.restoreVerified(right, b).params());
        b[b.length / 2] ^= 1;
        byte[] damaged = b;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Pretrained.restoreVerified(right, damaged));
        assertTrue(e.getMessage().contains("x.zip") && e.getMessage().contains(right.sha256())
                && e.getMessage().contains("damaged"), e.getMessage());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                Pretrained.sha256(new byte[0]));
    }
}
