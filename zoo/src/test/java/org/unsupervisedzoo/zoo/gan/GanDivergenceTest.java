package org.unsupervisedzoo.zoo.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.unsupervisedzoo.zoo.core.TrainingDiverged;

/** GanTrainer stops at a non-finite loss with one clear message; its checkpoint folder is replaced whole. */
class GanDivergenceTest {
    @TempDir
    Path tmp;

    @Test
    void aNanGeneratorStopsTheEpochAndTheLastCheckpointIsKept() throws Exception {
        GanFactory gan = GanTest.mlp(0);
        GanTrainer t = GanTest.trainer(gan);
        DataSet ds = GanTest.data(gan, 64);
        t.fitEpoch(ds.getFeatures(), null);
        Path checkpoint = tmp.resolve("checkpoint");
        t.save(checkpoint);
        byte[] generator = Files.readAllBytes(checkpoint.resolve("generator.zip"));
        String properties = Files.readString(checkpoint.resolve("trainer.properties"));

        t.generator().params().assign(Double.NaN); // G's samples, and so D's loss, are NaN from the next step
        TrainingDiverged e = assertThrows(TrainingDiverged.class, () -> t.fitEpoch(ds.getFeatures(), null));
        assertEquals(2, e.epoch());
        assertEquals(1, e.step());
        assertTrue(e.getMessage().matches("training diverged at epoch 2, step 1: loss_d NaN \\(last finite loss \\S+"
                + " at epoch 1, step \\d+\\); the last saved checkpoint, if any, is unchanged; try a lower learning"
                + " rate \\(--lr\\)"), e.getMessage());
        assertEquals(1, t.epoch(), "the diverged epoch is not counted");
        // the caller saves after an epoch only: the checkpoint of epoch 1 is what is on disk
        assertArrayEquals(generator, Files.readAllBytes(checkpoint.resolve("generator.zip")));
        assertEquals(properties, Files.readString(checkpoint.resolve("trainer.properties")));
        assertEquals(1, GanTrainer.restore(checkpoint).epoch());
    }

    @Test
    void saveReplacesTheCheckpointFolderWholeAndLeavesNoTemporaries() throws Exception {
        GanFactory gan = GanTest.mlp(0);
        GanTrainer t = GanTest.trainer(gan);
        DataSet ds = GanTest.data(gan, 32);
        Path checkpoint = tmp.resolve("checkpoint");
        t.fitEpoch(ds.getFeatures(), null);
        t.save(checkpoint);
        t.fitEpoch(ds.getFeatures(), null);
        t.save(checkpoint);
        assertEquals(2, GanTrainer.restore(checkpoint).epoch());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("checkpoint"), s.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
        }
        try (Stream<Path> s = Files.list(checkpoint)) {
            assertEquals(List.of("combined.zip", "discriminator.zip", "generator.zip", "trainer.properties"),
                    s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
        }
    }
}
