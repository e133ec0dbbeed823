package org.unsupervisedzoo.zoo.core;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** Cutting the encoder out of a trained zoo graph. */
public final class Encoders {
    private Encoders() {
    }

    /**
     * A new graph made of the vertices {@code code} depends on, reading the single input {@code input}, with the
     * trained parameters copied (not shared) and any dropout or input corruption removed. Vertices that do not
     * lead to {@code code} (decoder, penalty heads, other inputs) are left out.
     *
     * @throws IllegalArgumentException when {@code code} is not a vertex of the graph, or depends on an input
     *                                  other than {@code input}
     */
    public static ComputationGraph extract(ComputationGraph trained, String input, String code) {
        ComputationGraphConfiguration conf = trained.getConfiguration();
        if (!conf.getVertices().containsKey(code)) {
            throw new IllegalArgumentException("code vertex '" + code + "' is not in the graph; vertices: "
                    + conf.getVertices().keySet());
        }
        if (!conf.getNetworkInputs().contains(input)) {
            throw new IllegalArgumentException("input '" + input + "' is not an input of the graph; inputs: "
                    + conf.getNetworkInputs());
        }
        Set<String> needed = ancestors(conf, code);
        for (String in : conf.getNetworkInputs()) {
            if (needed.contains(in) && !in.equals(input)) {
                throw new IllegalArgumentException("code vertex '" + code + "' also depends on input '" + in
                        + "'; an encoder reads only '" + input + "'");
            }
        }
        ComputationGraphConfiguration enc = conf.clone();
        Map<String, GraphVertex> vertices = new LinkedHashMap<>();
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, GraphVertex> e : enc.getVertices().entrySet()) {
            if (needed.contains(e.getKey())) {
                GraphVertex v = e.getValue();
                if (v instanceof LayerVertex) {
                    ((LayerVertex) v).getLayerConf().getLayer().setIDropout(null);
                }
                vertices.put(e.getKey(), v);
                inputs.put(e.getKey(), enc.getVertexInputs().get(e.getKey()));
            }
        }
        enc.setVertices(vertices);
        enc.setVertexInputs(inputs);
        enc.setNetworkInputs(List.of(input));
        enc.setNetworkOutputs(List.of(code));
        enc.setTopologicalOrder(null);
        enc.setTopologicalOrderStr(null);
        enc.setIterationCount(0);
        enc.setEpochCount(0);
        enc.validate();
        ComputationGraph encoder = new ComputationGraph(enc);
        encoder.init();
        for (Layer layer : encoder.getLayers()) {
            if (layer.numParams() > 0) {
                String name = layer.conf().getLayer().getLayerName();
                layer.setParams(trained.getLayer(name).params().dup());
            }
        }
        return encoder;
    }

    /** {@code vertex} and every vertex or input it depends on. */
    static Set<String> ancestors(ComputationGraphConfiguration conf, String vertex) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(vertex));
        while (!todo.isEmpty()) {
            String v = todo.pop();
            if (seen.add(v)) {
                todo.addAll(conf.getVertexInputs().getOrDefault(v, List.of()));
            }
        }
        return seen;
    }
}
