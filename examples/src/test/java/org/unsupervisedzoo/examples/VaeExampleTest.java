package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train variational-autoencoder --objective}: the IWAE objective on the bundled sample, resume and errors. */
class VaeExampleTest {
    @TempDir
    Path tmp;

    private static CliTest.Result train(Path out, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "variational-autoencoder", "--hidden", "32",
                "--latent", "4", "--batch", "128", "--binarize", "dynamic", "--out", out.toString()));
        a.addAll(List.of(extra));
        return CliTest.cli(a.toArray(new String[0]));
    }

    @Test
    void iwaeObjectiveTrainsOneEpochIsRecordedAndAResumeCannotChangeIt() throws Exception {
        Path out = tmp.resolve("iwae");
        CliTest.Result r = train(out, "--objective", "iwae", "--samples", "5", "--epochs", "1");
        assertEquals(0, r.status, r.toString());
        assertTrue(r.out.lines().anyMatch(l -> l.equals("objective iwae  k 5  train_loss = -(5-sample importance-weighted"
                + " bound), nats per digit")), r.out);
        assertTrue(r.out.lines().anyMatch(l -> l.matches(
                "epoch +1/1  train_loss \\d+\\.\\d{5}  test_loss \\d+\\.\\d{5}  recon \\d+\\.\\d{5}  kl \\d+\\.\\d{5}.*")),
                r.out);
        assertTrue(Files.exists(out.resolve("model.zip")));
        String props = Files.readString(out.resolve("checkpoint/checkpoint.properties"));
        assertTrue(props.contains("option.objective=iwae") && props.contains("option.samples=5"), props);
        CliTest.Result changed = train(tmp.resolve("elbo"), "--objective", "elbo", "--samples", "5", "--epochs", "2",
                "--resume", out.resolve("checkpoint").toString());
        CliTest.oneLineError(changed, "was trained with --objective 'iwae', this run asks for 'elbo'");
        // the saved model evaluates with its recorded options (the IWAE graph, one output)
        CliTest.Result eval = CliTest.cli("evaluate", out.resolve("model.zip").toString(), "--out",
                tmp.resolve("eval").toString());
        assertEquals(0, eval.status, eval.toString());
        assertTrue(eval.out.contains("evaluate variational-autoencoder"), eval.out);
    }

    @Test
    void badObjectivesAreOneLineErrors() {
        String out = tmp.resolve("bad").toString();
        CliTest.oneLineError(CliTest.cli("train", "variational-autoencoder", "--objective", "iwea", "--out", out),
                "--objective must be one of [elbo, iwae], got 'iwea'");
        CliTest.oneLineError(CliTest.cli("train", "variational-autoencoder", "--objective", "iwae", "--likelihood",
                "gaussian_fixed", "--out", out), "objective IWAE supports likelihood BERNOULLI only, got likelihood"
                + " GAUSSIAN_FIXED");
    }
}
