package org.unsupervisedzoo.zoo.catalog;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.zoo.ModelMetaData;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.ZooType;
import org.unsupervisedzoo.zoo.core.Checks;
import org.unsupervisedzoo.zoo.core.ZooModelFactory;

/**
 * A zoo model as DL4J's own {@link ZooModel}, for code written against DL4J's zoo ({@code ZooModel},
 * {@code InstantiableModel}): {@link #init()} returns the factory's initialised {@link ComputationGraph},
 * {@link #modelName()} is the factory's name, {@link #modelType()} is {@code ComputationGraph}.
 *
 * <p>What it does not give: there are no pretrained weights, so {@link #pretrainedAvailable} is false for every
 * {@link PretrainedType} and {@code initPretrained} throws {@link UnsupportedOperationException} without
 * downloading anything. The input shape is a builder field of each factory; {@link #setInputShape} accepts only
 * the factory's own shape and otherwise names the shape to set on the builder.
 */
public final class Dl4jZooModel extends ZooModel<Dl4jZooModel> {
    private final ZooModelFactory factory;

    /** DL4J's view of {@code factory}. */
    public Dl4jZooModel(ZooModelFactory factory) {
        Checks.notNull("factory", factory);
        this.factory = factory;
    }

    /** DL4J's view of a catalog model with its default hyper-parameters. */
    public static Dl4jZooModel of(String catalogName) {
        return new Dl4jZooModel(ZooCatalog.get(catalogName).defaults());
    }

    /** The wrapped factory. */
    public ZooModelFactory factory() {
        return factory;
    }

    @Override
    @SuppressWarnings("unchecked")
    public ComputationGraph init() {
        return factory.init();
    }

    @Override
    public void setInputShape(int[][] inputShape) {
        long[] own = factory.inputShape();
        if (inputShape == null || inputShape.length != 1
                || !Arrays.equals(Arrays.stream(inputShape[0]).asLongStream().toArray(), own)) {
            throw new IllegalArgumentException("inputShape " + Arrays.deepToString(inputShape) + " differs from "
                    + factory.name() + "'s " + Arrays.toString(own) + "; set the input size on the model's builder"
                    + " (e.g. inputSize(...) or imageSize(...)) instead");
        }
    }

    @Override
    @Deprecated
    public ModelMetaData metaData() {
        int[] shape = Arrays.stream(factory.inputShape()).mapToInt(Math::toIntExact).toArray();
        return new ModelMetaData(new int[][] {shape}, factory.conf().getNetworkOutputs().size(),
                shape.length == 3 ? ZooType.CNN : null);
    }

    @Override
    public Class<? extends Model> modelType() {
        return ComputationGraph.class;
    }

    /** No pretrained weights: always null. */
    @Override
    public String pretrainedUrl(PretrainedType pretrainedType) {
        return null;
    }

    @Override
    public long pretrainedChecksum(PretrainedType pretrainedType) {
        return 0L;
    }

    @Override
    public String modelName() {
        return factory.name();
    }
}
