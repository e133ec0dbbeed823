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
}
