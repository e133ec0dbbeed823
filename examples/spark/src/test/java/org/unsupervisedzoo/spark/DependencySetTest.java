package org.unsupervisedzoo.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The dependency set README states: which jars stay at DL4J 1.0.0-M2, Scala 2.12.15, the Java 17 flags. */
class DependencySetTest {
    private static List<String> jars() {
        return List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                .map(p -> new File(p).getName()).filter(n -> n.endsWith(".jar")).toList();
    }

    @Test
    void onlyTheSparkGlueWithoutAnM21ReleaseIsM2() {
        Set<String> m2 = new TreeSet<>();
        for (String n : jars()) {
            if (n.endsWith("-1.0.0-M2.jar")) {
                m2.add(n.substring(0, n.length() - "-1.0.0-M2.jar".length()));
            }
        }
        assertEquals(new TreeSet<>(Set.of("dl4j-spark-parameterserver_2.12", "dl4j-spark3_2.12", "nd4j-kryo_2.12",
                "nd4j-parameter-server-node_2.12", "datavec-spark3_2.12")), m2, "M2 jars on the class path");
        assertTrue(jars().contains("deeplearning4j-nn-1.0.0-M2.1.jar"), "deeplearning4j-nn is M2.1");
        assertTrue(jars().contains("nd4j-api-1.0.0-M2.1.jar"), "nd4j-api is M2.1");
        assertTrue(jars().stream().noneMatch(n -> n.startsWith("dl4j-spark_2.12")),
                "dl4j-spark_2.12 duplicates dl4j-spark3_2.12's classes");
        assertTrue(jars().contains("spark-core_2.12-3.1.2.jar"), "Spark 3.1.2");
    }

    @Test
    void scalaIs2_12_15() {
        // 2.12.14 and older failed to deserialize Spark tasks on Java 17
        assertEquals("2.12.15", scala.util.Properties.versionNumberString());
    }

    @Test
    void theTestsRunWithTheFlagsTheRunnerPrints() {
        List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        String joined = String.join(" ", jvm);
        for (String flag : SparkTrain.JAVA17_FLAGS.split(" (?=--add-opens|-D)")) {
            String f = flag.replace("--add-opens ", "--add-opens=");
            assertTrue(joined.contains(flag) || joined.contains(f), "the pom's surefire argLine lacks " + flag);
        }
    }
}
