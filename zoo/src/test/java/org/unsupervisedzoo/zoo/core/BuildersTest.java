package org.unsupervisedzoo.zoo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.unsupervisedzoo.zoo.aae.AdversarialAutoencoder;
import org.unsupervisedzoo.zoo.m2.SemiSupervisedVAE;
import org.unsupervisedzoo.zoo.autoencoder.UndercompleteAutoencoder;
import org.unsupervisedzoo.zoo.classifier.LeNet;
import org.unsupervisedzoo.zoo.contractive.ContractiveAutoencoder;
import org.unsupervisedzoo.zoo.convolutional.ConvolutionalAutoencoder;
import org.unsupervisedzoo.zoo.denoising.DenoisingAutoencoder;
import org.unsupervisedzoo.zoo.denoising.MaskingCorruption;
import org.unsupervisedzoo.zoo.gan.Dcgan;
import org.unsupervisedzoo.zoo.gan.MlpGan;
import org.unsupervisedzoo.zoo.rbm.RBM;
import org.unsupervisedzoo.zoo.som.SOM;
import org.unsupervisedzoo.zoo.sparse.SparseAutoencoder;
import org.unsupervisedzoo.zoo.vae.VAE;

/** A built factory keeps a copy of its settings: changing the builder afterwards changes nothing built. */
class BuildersTest {
    private record Case<B>(String name, B builder, Function<B, ZooModelFactory> build, Consumer<B> change) {
    }

    private static <B> Arguments of(String name, B builder, Function<B, ZooModelFactory> build, Consumer<B> change) {
        return Arguments.of(name, new Case<>(name, builder, build, change));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                of("undercomplete", UndercompleteAutoencoder.builder(), UndercompleteAutoencoder.Builder::build,
                        b -> b.hiddenSizes(10, 5).updater(new Sgd(0.5))),
                of("denoising", DenoisingAutoencoder.builder(), DenoisingAutoencoder.Builder::build,
                        b -> b.corruption(new MaskingCorruption(0.5)).seed(7)),
                of("sparse", SparseAutoencoder.builder(), SparseAutoencoder.Builder::build, b -> b.rho(0.2)),
                of("contractive", ContractiveAutoencoder.builder(), ContractiveAutoencoder.Builder::build,
                        b -> b.lambda(3)),
                of("convolutional", ConvolutionalAutoencoder.builder(), ConvolutionalAutoencoder.Builder::build,
                        b -> b.filters(4, 8)),
                of("vae", VAE.builder(), VAE.Builder::build, b -> b.latentSize(3).hiddenSizes(50)),
                of("rbm", RBM.builder(), RBM.Builder::build, b -> b.nHidden(7)),
                of("som", SOM.builder(), SOM.Builder::build, b -> b.rows(3).cols(4)),
                of("mlp-gan", MlpGan.builder(), MlpGan.Builder::build, b -> b.generatorSizes(8, 16)),
                of("dcgan", Dcgan.builder(), Dcgan.Builder::build, b -> b.filters(8, 16).updater(new Adam(0.1))),
                of("lenet", LeNet.builder(), LeNet.Builder::build, b -> b.seed(99)),
                of("aae", AdversarialAutoencoder.builder(), AdversarialAutoencoder.Builder::build,
                        b -> b.hiddenSizes(64, 2).discriminatorSizes(16)),
                of("semi-supervised-vae", SemiSupervisedVAE.builder(), SemiSupervisedVAE.Builder::build,
                        b -> b.latentSize(4).classifierSizes(30, 20).updater(new Adam(0.01))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <B> void changingTheBuilderAfterBuildChangesNothingBuilt(String name, Case<B> c) {
        ZooModelFactory built = c.build().apply(c.builder());
        String before = built.conf().toJson();
        c.change().accept(c.builder());
        assertEquals(before, built.conf().toJson(), name + ": the built model changed with its builder");
        assertNotEquals(before, c.build().apply(c.builder()).conf().toJson(), name + ": the change itself took no effect");
    }

    /**
     * A learning rate that is NaN, infinite or negative is a build-time error naming the field and the value (DL4J's
     * Adam and Sgd take any double, so the model used to train to NaN without a word). 0 is allowed: the Spark
     * trainer's test builds such a graph on purpose and reports its epoch that changes nothing.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <B> void aNonFiniteOrNegativeLearningRateIsRejectedAtBuild(String name, Case<B> c) {
        for (double lr : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1e-3}) {
            ((ZooBuilder<?>) c.builder()).updater(new Sgd(lr));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.build().apply(c.builder()), name + " accepted learning rate " + lr);
            assertTrue(e.getMessage().contains("learning rate") && e.getMessage().contains(String.valueOf(lr)),
                    name + ": " + e.getMessage());
        }
    }
}
