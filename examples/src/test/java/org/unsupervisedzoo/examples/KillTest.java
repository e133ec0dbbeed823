package org.unsupervisedzoo.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training run killed with SIGKILL ({@code Process.destroyForcibly}) at a random moment, then resumed from its
 * checkpoint (or started again when it died before its first one), ends with the model and epochs.csv of the run
 * that was never killed, and leaves no temporary file. The seed of the moment is printed, so a failure can be
 * replayed ({@code -Dkill.seed=...}). examples/scripts/kill-test.sh does the same with several kills in a row.
 */
class KillTest {
    @TempDir
    Path tmp;

    static final String[] ARGS = {"train", "undercomplete-autoencoder", "--hidden", "64,8", "--batch", "32", "--epochs", "4"};

    @Test
    void aRunKilledAtARandomMomentResumesToTheModelOfTheUninterruptedRun() throws Exception {
        long seed = Long.getLong("kill.seed", System.nanoTime());
        Random random = new Random(seed);
        Path whole = tmp.resolve("whole");
        runToTheEnd(whole, null);
        // the training's length: the epochs' seconds in the CSV, and a second per epoch for the measures and writes
        double seconds = 0;
        for (String row : Files.readAllLines(whole.resolve("epochs.csv")).subList(1, 5)) {
            seconds += Double.parseDouble(row.substring(row.lastIndexOf(',') + 1)) + 1;
        }
        long trainMillis = (long) (seconds * 1000);

        Path killed = tmp.resolve("killed");
        Process child = new ProcessBuilder(command(killed, null)).redirectErrorStream(true).start();
        CountDownLatch training = new CountDownLatch(1);
        StringBuilder printed = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (printed) {
                        printed.append(line).append('\n');
                    }
                    if (line.startsWith("model ")) {
                        training.countDown();
                    }
                }
            } catch (java.io.IOException e) {
                // the stream closes when the process is killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        assertTrue(training.await(120, TimeUnit.SECONDS), "the child never started training:\n" + printed);
        // a random moment of the training
        long delay = (long) (random.nextDouble() * trainMillis);
        Thread.sleep(delay);
        child.destroyForcibly();
        child.waitFor(60, TimeUnit.SECONDS);
        String before;
        synchronized (printed) {
            before = printed.toString();
        }
        long epochsDone = before.lines().filter(l -> l.startsWith("epoch ")).count();
        String where = "kill.seed " + seed + ", killed " + delay + " ms into training (of about " + trainMillis
                + " ms) after " + epochsDone + " epoch(s)" + (before.contains("wrote ") ? ", while writing the"
                + " outputs" : "") + ":\n" + before;

        Path checkpoint = killed.resolve("checkpoint");
        boolean resumable = Files.isDirectory(checkpoint) || Files.isDirectory(
                org.unsupervisedzoo.zoo.core.AtomicFiles.previous(checkpoint));
        runToTheEnd(killed, resumable ? checkpoint : null);
        ResumeTest.assertSameGraph(whole.resolve("checkpoint/model.zip"), checkpoint.resolve("model.zip"));
        assertEquals(ResumeTest.withoutTimes(whole.resolve("epochs.csv")),
                ResumeTest.withoutTimes(killed.resolve("epochs.csv")), where);
        ResumeTest.assertNoTemporaries(killed);
        System.out.println("KillTest: " + where.lines().findFirst().orElse(""));
    }

    /**
     * The training command in a child JVM. The uninterrupted run, the killed one and its resumption all run in child
     * JVMs started alike: the test JVM's ND4J was loaded before ZooRuntime could name its threads and BLAS kernels,
     * and its products round differently in the last bit (the killed run that went on in the test JVM differed from
     * the child's whole run at parameter 34: -0.046969667 against -0.04696967).
     */
    static List<String> command(Path out, Path resume) {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmn16m", "-cp", classPath(),
                Main.class.getName()));
        command.addAll(Arrays.asList(ARGS));
        command.addAll(List.of("--out", out.toString()));
        if (resume != null) {
            command.addAll(List.of("--resume", resume.toString()));
        }
        return command;
    }

    static void runToTheEnd(Path out, Path resume) throws Exception {
        Path log = Files.createTempFile(tmp(out), "child", ".log");
        Process p = new ProcessBuilder(command(out, resume)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the child did not end in 300 s:\n" + Files.readString(log));
        assertEquals(0, p.exitValue(), Files.readString(log));
        Files.delete(log);
    }

    private static Path tmp(Path out) {
        return out.toAbsolutePath().getParent();
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The test class path (surefire's, not its booter jar's), for the child JVM. */
    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }
}
