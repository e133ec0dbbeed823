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
 * <p>Pretrained weights come from the classpath ({@link Pretrained}, the artifact {@value Pretrained#ARTIFACT}),
 * never from the network: {@link #pretrainedAvailable} is true for {@link PretrainedType#MNIST} where that artifact
 * holds weights of the model, and {@link #initPretrained(PretrainedType)} returns them (checksum verified) or fails
 * with a message naming the model and the missing artifact. {@link PretrainedType} has no Fashion-MNIST:
 * {@link #initPretrained(String) initPretrained("fashion")} gives those weights. For a GAN the pretrained model is
 * its generator graph. The input shape is a builder field of each factory; {@link #setInputShape} accepts only
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

    /** True for MNIST where the weights artifact holds this model's weights. */
    @Override
    public boolean pretrainedAvailable(PretrainedType pretrainedType) {
        return pretrainedType == PretrainedType.MNIST && Pretrained.available(factory.name(), "mnist");
    }

    /** The trained MNIST weights from the classpath ({@link Pretrained#load}); nothing is downloaded. */
    @Override
    @SuppressWarnings("unchecked")
    public <M extends Model> M initPretrained(PretrainedType pretrainedType) {
        if (pretrainedType != PretrainedType.MNIST) {
            throw new UnsupportedOperationException("DL4J's PretrainedType " + pretrainedType
                    + " has no weights for '" + factory.name() + "' in the zoo; MNIST has, and Fashion-MNIST through"
                    + " initPretrained(\"fashion\")");
        }
        return (M) Pretrained.load(factory.name(), "mnist");
    }

    /**
     * The trained weights of data set {@code dataset} ({@code mnist} or {@code fashion}) from the classpath:
     * DL4J's {@link PretrainedType} has no Fashion-MNIST, so this is how its weights are asked for the zoo way
     * ({@link Pretrained#load(String, String)}). For a GAN, the generator graph.
     */
    public ComputationGraph initPretrained(String dataset) {
        return Pretrained.load(factory.name(), dataset);
    }

    /** MNIST, the zoo's pretrained data set. */
    @Override
    public Model initPretrained() {
        return initPretrained(PretrainedType.MNIST);
    }

    /** Nothing is downloaded: always null (the weights come from the classpath, {@link Pretrained}). */
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
