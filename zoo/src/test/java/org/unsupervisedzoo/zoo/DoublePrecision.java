package org.unsupervisedzoo.zoo;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs each test of a class with ND4J's default data types set to DOUBLE (gradient checks and 1e-9 comparisons need
 * it) and sets FLOAT back after it; with {@link Seed} on the class, ND4J's generator is seeded before each test.
 * Use: {@code @ExtendWith(DoublePrecision.class) @DoublePrecision.Seed(42) class MyTest}.
 */
public final class DoublePrecision implements BeforeEachCallback, AfterEachCallback {
    /** The seed of ND4J's generator before each test. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface Seed {
        long value();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        Seed seed = context.getRequiredTestClass().getAnnotation(Seed.class);
        if (seed != null) {
            Nd4j.getRandom().setSeed(seed.value());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }
}
