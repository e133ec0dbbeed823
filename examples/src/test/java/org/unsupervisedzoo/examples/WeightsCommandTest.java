package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.unsupervisedzoo.zoo.catalog.Pretrained;

class WeightsCommandTest {
    @TempDir
    Path tmp;

    @Test
    void weightsAddWritesTheFileAndAManifestEntryWithItsChecksumRecipeAndFigures() throws Exception {
        Path run = tmp.resolve("run");
        CliTest.Result trained = CliTest.cli("train", "undercomplete-autoencoder", "--epochs", "1", "--hidden", "16,4", "--out",
                run.toString());
        assertEquals(0, trained.status, trained.toString());
        Path dir = tmp.resolve("weights");
        for (int twice = 0; twice < 2; twice++) { // a second add replaces the entry
            CliTest.Result r = CliTest.cli("weights-add", "--model", run.resolve("model.zip").toString(), "--dir",
                    dir.toString());
            assertEquals(0, r.status, r.toString());
        }
        JsonNode weights = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile()).get("weights");
        assertEquals(1, weights.size());
        JsonNode e = weights.get(0);
        assertEquals("undercomplete-autoencoder", e.get("model").asText());
        assertEquals("sample", e.get("dataset").asText());
        byte[] zip = Files.readAllBytes(dir.resolve(e.get("file").asText()));
        assertEquals(Pretrained.sha256(zip), e.get("sha256").asText());
        String command = e.get("command").asText();
        assertTrue(command.contains("train undercomplete-autoencoder --epochs 1 --hidden 16,4") && !command.contains("--out")
                && !command.contains(tmp.toString()), command);
        assertEquals(1, e.get("epochs").asInt());
        assertEquals(12345, e.get("seed").asLong());
        assertEquals(64, e.get("dataSha256").asText().length());
        assertEquals(e.get("value").asDouble(), e.get("sampleValue").asDouble(), 1e-9,
                "on the sample, its test set and the sample's are the same digits");
        assertTrue(e.get("value").asDouble() > 0.05 && e.get("value").asDouble() < 0.7, e.toString());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void weightsCheckWithoutWeightsOfThatDataSetIsOneLine() {
        CliTest.oneLineError(CliTest.cli("weights-check", "--data", "sample"), "no pretrained weights for --data sample");
        CliTest.oneLineError(CliTest.cli("weights-add"), "--model");
    }

    @Test
    void aGanGeneratorIsAddedWithItsFiguresJudgedByTheLenetOfTheSameFolder() throws Exception {
        Path judgeRun = tmp.resolve("judge");
        Path dir = tmp.resolve("weights");
        CliTest.Result judge = CliTest.cli("train", "lenet", "--epochs", "1", "--out", judgeRun.toString());
        assertEquals(0, judge.status, judge.toString());
        Path gan = tmp.resolve("gan");
        CliTest.Result trained = CliTest.cli("train", "conditional-mlp-gan", "--epochs", "1",
                "--train-subset", "500", "--eval-samples", "100", "--final-samples", "100", "--classifier",
                judgeRun.resolve("lenet.zip").toString(), "--out", gan.toString());
        assertEquals(0, trained.status, trained.toString());
        Path generator = gan.resolve("generator.zip");
        CliTest.oneLineError(CliTest.cli("weights-add", "--model", generator.toString(), "--dir", dir.toString()),
                "judged by the pretrained lenet");
        CliTest.oneLineError(CliTest.cli("weights-add", "--model", judgeRun.resolve("lenet.zip").toString(), "--dir",
                dir.toString()), "no run record");
        CliTest.oneLineError(CliTest.cli("weights-add", "--model", judgeRun.resolve("lenet.zip").toString(), "--name",
                "lenet", "--dir", dir.toString()), "--recipe");
        CliTest.Result lenet = CliTest.cli("weights-add", "--model", judgeRun.resolve("lenet.zip").toString(),
                "--name", "lenet", "--recipe", "train lenet --epochs 1", "--dir", dir.toString());
        assertEquals(0, lenet.status, lenet.toString());
        Path log = tmp.resolve("gan.log");
        Files.writeString(log, trained.out);
        CliTest.Result added = CliTest.cli("weights-add", "--model", generator.toString(), "--log", log.toString(),
                "--dir", dir.toString());
        assertEquals(0, added.status, added.toString());

        JsonNode weights = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile()).get("weights");
        assertEquals(2, weights.size());
        JsonNode l = weights.get(0);
        assertEquals("lenet", l.get("model").asText());
        assertEquals("test_accuracy", l.get("figure").asText());
        assertEquals(1, l.get("epochs").asInt());
        JsonNode g = weights.get(1);
        assertEquals("conditional-mlp-gan", g.get("model").asText());
        assertEquals(l.get("sha256").asText(), g.get("judgeSha256").asText());
        assertEquals("inception_score", g.get("figures").get(0).get("name").asText());
        assertEquals("class_accuracy", g.get("figures").get(1).get("name").asText());
        assertTrue(g.get("command").asText().contains("--classifier lenet.zip")
                && !g.get("command").asText().contains(tmp.toString()), g.get("command").asText());
        assertTrue(g.get("logged").has("final_inception_score"), g.toString());
        double is = g.get("value").asDouble();
        assertTrue(is >= 1 && is <= 10, g.toString());
        Pretrained.Entry e = Pretrained.parse(g);
        assertEquals(2, e.figures().size());
        assertTrue(e.figures().get(1).tolerance() > 0, e.toString());
        assertTrue(e.measuredOn().contains("10,000 generated digits") && e.sample().contains("1,000"), e.toString());
    }

    @Test
    void aResumedRunNeedsItsWholeRecipeAndARecipeNamesNoMachinePath() {
        RunRecord resumed = new RunRecord("gan", "dcgan", java.util.List.of("--model", "dcgan", "--epochs", "5",
                "--resume", "/somewhere/checkpoint", "--out", "/somewhere"));
        CliException e = org.junit.jupiter.api.Assertions.assertThrows(CliException.class,
                () -> WeightsCommand.recorded(Path.of("g.zip"), resumed));
        assertTrue(e.getMessage().contains("--recipe"), e.getMessage());
        RunRecord plain = new RunRecord("som", "self-organizing-map", java.util.List.of("--data", "mnist", "--out",
                "/somewhere", "--epochs", "10"));
        assertEquals("train self-organizing-map --data mnist --epochs 10", WeightsCommand.recorded(Path.of("m.zip"), plain));
        assertEquals(10, WeightsCommand.recipeOptions("train self-organizing-map --epochs 3 --out a && train self-organizing-map --epochs 10")
                .integer("epochs"));
        org.junit.jupiter.api.Assertions.assertThrows(CliException.class,
                () -> WeightsCommand.recipeOptions("train self-organizing-map --out /tmp/x"));
        org.junit.jupiter.api.Assertions.assertThrows(CliException.class,
                () -> WeightsCommand.recipeOptions("train nothing"));
    }

    @Test
    void figuresPrintedByTheRunAreReadFromItsLog() {
        java.util.Map<String, Double> rbm = WeightsCommand.logged(
                org.unsupervisedzoo.zoo.catalog.PretrainedFigures.Kind.RBM,
                "ais log_z 451.2  (3 s.e. 450.9 .. 451.4)  test_loglik -86.123 nats  digits 1000\n"
                        + "softmax on hidden_probabilities test_accuracy 0.9712  on raw_pixels test_accuracy 0.92\n");
        assertEquals(-86.123, rbm.get("ais_test_loglik_nats"), 1e-12);
        assertEquals(0.9712, rbm.get("softmax_on_features_test_accuracy"), 1e-12);
    }
}
