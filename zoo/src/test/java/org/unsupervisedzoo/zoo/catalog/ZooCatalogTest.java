package org.unsupervisedzoo.zoo.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.unsupervisedzoo.zoo.core.ZooModelFactory;

class ZooCatalogTest {
    /** The committed JSON folder, seen from the zoo module (the working directory of its tests). */
    private static final Path COMMITTED = Path.of("src/main/resources/org/unsupervisedzoo/zoo/catalog");
    private static final String REGENERATE = "; regenerate with: java -jar examples/target/unsupervised-zoo-examples.jar"
            + " export --all true --dir " + ZooCatalog.SOURCE_DIR;

    @Test
    void committedJsonMatchesTheFactoriesDefaults() throws IOException {
        Set<String> expected = new HashSet<>();
        for (CatalogEntry e : ZooCatalog.entries()) {
            for (Map.Entry<String, ComputationGraphConfiguration> part : e.configurations().entrySet()) {
                String file = e.fileName(part.getKey());
                expected.add(file);
                Path p = COMMITTED.resolve(file);
                assertTrue(Files.exists(p), p + " is missing" + REGENERATE);
                assertEquals(part.getValue().toJson() + "\n", Files.readString(p), p + " is stale" + REGENERATE);
            }
        }
        expected.add("catalog.json");
        assertEquals(ZooCatalog.indexJson(), Files.readString(COMMITTED.resolve("catalog.json")),
                "catalog.json is stale" + REGENERATE);
        try (Stream<Path> files = Files.list(COMMITTED)) {
            Set<String> present = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertEquals(expected, present, "files of no catalog entry are left over" + REGENERATE);
        }
    }

    @Test
    void everyFactoryOfTheZooIsInTheCatalog() throws Exception {
        Path classes = Path.of("target/classes");
        Set<Class<?>> catalogued = new HashSet<>();
        ZooCatalog.entries().forEach(e -> catalogued.add(e.defaults().getClass()));
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).collect(Collectors.toList())) {
                String name = classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(name, false, getClass().getClassLoader());
                if (ZooModelFactory.class.isAssignableFrom(c) && !c.isInterface()
                        && !Modifier.isAbstract(c.getModifiers()) && !catalogued.contains(c)) {
                    missing.add(name);
                }
            }
        }
        assertTrue(missing.isEmpty(), "factories missing from ZooCatalog: " + missing);
    }

    @Test
    void shippedConfigurationsLoadFromTheJarAndBuild() {
        for (CatalogEntry e : ZooCatalog.entries()) {
            assertTrue(e.name().matches("[a-z0-9-]+"), e.name());
            assertTrue(!e.description().isEmpty() && !e.reference().isEmpty() && !e.family().isEmpty(), e.name());
            for (String part : e.configurations().keySet()) {
                ComputationGraphConfiguration conf = ZooCatalog.configuration(e.name(), part);
                assertEquals(e.configurations().get(part).toJson(), conf.toJson(), e.name() + " " + part);
            }
        }
        ComputationGraph vae = new ComputationGraph(ZooCatalog.configuration("variational-autoencoder"));
        vae.init();
        INDArray x = Nd4j.rand(2, 784);
        assertArrayEquals(new long[] {2, 784}, vae.output(false, x, Nd4j.zeros(2, 20))[0].shape());
        assertEquals(List.of("ContractiveDenseLayer", "ActivityPenalty", "ColumnSubsetVertex").stream().sorted().collect(Collectors.toList()),
                ZooCatalog.get("contractive-autoencoder").customLayers());
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> ZooCatalog.get("rbn"));
        assertTrue(err.getMessage().contains("'rbn'") && err.getMessage().contains("variational-autoencoder"),
                err.getMessage());
        assertTrue(ZooCatalog.indexJson().contains("\"name\": \"sparse-autoencoder\""));
    }

    /**
     * As a DL4J project would: every shipped JSON names no class of the optional fast package, loads with
     * {@code fromJson}, initialises, and runs on inputs built from the catalog's shapes alone; its outputs have the
     * catalog's shapes; a ModelSerializer round trip keeps them; catalog.json is valid JSON listing the same.
     */
    @Test
    void everyShippedGraphRunsOnInputsBuiltFromTheCatalogAlone() throws Exception {
        org.nd4j.shade.jackson.databind.JsonNode index = new org.nd4j.shade.jackson.databind.ObjectMapper()
                .readTree(ZooCatalog.resource("catalog.json"));
        int graphs = 0;
        for (CatalogEntry e : ZooCatalog.entries()) {
            for (String part : e.configurations().keySet()) {
                String what = e.name() + " " + part;
                String json = ZooCatalog.resource(e.fileName(part));
                assertTrue(!json.contains("org.unsupervisedzoo.zoo.fast."), what + " names the fast package");
                ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(json);
                List<org.unsupervisedzoo.zoo.core.GraphIO> ins = e.inputs(part);
                List<org.unsupervisedzoo.zoo.core.GraphIO> outs = e.outputs(part);
                assertEquals(conf.getNetworkInputs(), ins.stream().map(g -> g.name()).toList(), what);
                assertEquals(conf.getNetworkOutputs(), outs.stream().map(g -> g.name()).toList(), what);
                ComputationGraph g = new ComputationGraph(conf);
                g.init();
                INDArray[] x = new INDArray[ins.size()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, batch(3, ins.get(i).shape()));
                }
                INDArray[] y = g.output(false, x);
                for (int i = 0; i < y.length; i++) {
                    assertArrayEquals(batch(3, outs.get(i).shape()), y[i].shape(), what + " " + outs.get(i).name());
                }
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                org.deeplearning4j.util.ModelSerializer.writeModel(g, bytes, true);
                ComputationGraph back = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(
                        new java.io.ByteArrayInputStream(bytes.toByteArray()), true);
                INDArray[] z = back.output(false, x);
                for (int i = 0; i < y.length; i++) {
                    assertEquals(y[i], z[i], what + " after ModelSerializer");
                }
                graphs++;
            }
            org.nd4j.shade.jackson.databind.JsonNode listed = null;
            for (org.nd4j.shade.jackson.databind.JsonNode n : index) {
                if (n.get("name").asText().equals(e.name())) {
                    listed = n;
                }
            }
            assertTrue(listed != null, e.name() + " missing from catalog.json");
            assertEquals(e.configurations().size(), listed.get("graphs").size(), e.name());
            for (org.nd4j.shade.jackson.databind.JsonNode gr : listed.get("graphs")) {
                assertEquals(e.inputs(gr.get("part").asText()).size(), gr.get("inputs").size(), e.name());
                for (org.nd4j.shade.jackson.databind.JsonNode in : gr.get("inputs")) {
                    assertTrue(!in.get("training").asText().isEmpty() && !in.get("inference").asText().isEmpty());
                }
            }
        }
        assertEquals(26, graphs);
        assertEquals(List.of("input", "eps"), ZooCatalog.get("variational-autoencoder").inputs("").stream()
                .map(g -> g.name()).toList());
    }

    private static long[] batch(long n, long[] shape) {
        long[] full = new long[shape.length + 1];
        full[0] = n;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return full;
    }

    @Test
    void everyModelWorksAsADl4jZooModel() {
        for (CatalogEntry e : ZooCatalog.entries()) {
            org.deeplearning4j.zoo.ZooModel<?> zm = new Dl4jZooModel(e.defaults());
            assertEquals(e.name(), zm.modelName());
            assertEquals(ComputationGraph.class, zm.modelType());
            for (org.deeplearning4j.zoo.PretrainedType t : org.deeplearning4j.zoo.PretrainedType.values()) {
                assertTrue(!zm.pretrainedAvailable(t), e.name() + " " + t + ": the weights module is not a test"
                        + " dependency of the zoo");
            }
            IllegalStateException missing = assertThrows(IllegalStateException.class, zm::initPretrained);
            assertTrue(missing.getMessage().contains(e.name()) && missing.getMessage().contains(Pretrained.ARTIFACT),
                    missing.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> zm.initPretrained(
                    org.deeplearning4j.zoo.PretrainedType.IMAGENET));
        }
        Dl4jZooModel ae = Dl4jZooModel.of("undercomplete-autoencoder");
        ComputationGraph g = ae.init();
        assertEquals(ae.factory().init().numParams(), g.numParams());
        ae.setInputShape(new int[][] {{784}});
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class,
                () -> ae.setInputShape(new int[][] {{1, 28, 28}}));
        assertTrue(err.getMessage().contains("[784]") && err.getMessage().contains("inputSize"), err.getMessage());
    }
}
