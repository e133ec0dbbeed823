package org.unsupervisedzoo.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The zoo's package graph, from its main sources (imports and fully qualified names): one package per model family,
 * shared bases in {@code core}, the optional speed layer {@code fast} used by no model, and no cycles. The graph is
 * written to {@code target/package-graph.txt} (one line per package: its dependencies).
 */
class PackageGraphTest {
    private static final Path SOURCES = Path.of("src/main/java/org/unsupervisedzoo/zoo");
    private static final Pattern REF = Pattern.compile("org\\.unsupervisedzoo\\.zoo\\.([a-z]+)\\.[A-Z]");

    static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(f.getParent()).toString().replace('/', '.');
                Set<String> d = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REF.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        d.add(m.group(1));
                    }
                }
            }
        }
        return deps;
    }

    @Test
    void packagesFormALayeredGraphWithoutCycles() throws IOException {
        Map<String, Set<String>> deps = graph();
        StringBuilder text = new StringBuilder();
        deps.forEach((p, d) -> text.append(p).append(" -> ").append(String.join(", ", d)).append('\n'));
        Files.writeString(Path.of("target/package-graph.txt"), text);
        assertTrue(deps.keySet().containsAll(List.of("core", "fast", "autoencoder", "denoising", "sparse",
                "contractive", "convolutional", "vae", "rbm", "som", "gan", "aae", "classifier", "catalog")), deps.toString());
        assertTrue(!deps.containsKey(""), "classes in the root package: " + deps.get(""));
        assertEquals(Set.of(), deps.get("core"), "core depends on no other package of the zoo");
        List<String> useFast = new ArrayList<>();
        deps.forEach((p, d) -> {
            if (d.contains("fast")) {
                useFast.add(p);
            }
        });
        assertEquals(List.of(), useFast, "the speed layer is optional: no model package may use it");
        // no cycles: depth-first search with colours
        Map<String, Integer> colour = new TreeMap<>();
        for (String p : deps.keySet()) {
            List<String> cycle = visit(p, deps, colour, new ArrayList<>());
            assertTrue(cycle == null, "package cycle " + cycle + "\n" + text);
        }
    }

    private static List<String> visit(String p, Map<String, Set<String>> deps, Map<String, Integer> colour,
                                      List<String> path) {
        int c = colour.getOrDefault(p, 0);
        if (c == 2) {
            return null;
        }
        path.add(p);
        if (c == 1) {
            return new ArrayList<>(path.subList(path.indexOf(p), path.size()));
        }
        colour.put(p, 1);
        for (String q : deps.getOrDefault(p, Set.of())) {
            List<String> cycle = visit(q, deps, colour, path);
            if (cycle != null) {
                return cycle;
            }
        }
        colour.put(p, 2);
        path.remove(path.size() - 1);
        return null;
    }
}
