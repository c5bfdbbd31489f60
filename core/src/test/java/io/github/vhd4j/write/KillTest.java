package io.github.vhd4j.write;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.VhdAssertions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real writer JVM with SIGKILL ({@code kill -9}) at random moments, 50 times, on the same
 * two images (a dynamic disk and a differencing disk over a parent with data), reopening each
 * after every kill and writing on. After each kill: the image opens without falling back to the
 * head footer copy, every write the process reported complete reads back, the write it may have
 * been in the middle of shows old or new content per sector, and check finds no error.
 */
class KillTest {
  private static final int KILLS = 50;
  private static final long SIZE = 6L << 20;
  @TempDir Path dir;

  @Test
  @Timeout(600)
  void shouldKeepImagesConsistentWhenTheWriterIsKilled() throws Exception {
    Path dynamic = dir.resolve("dynamic.vhd");
    Vhd.create(dynamic, CreateOptions.dynamic(SIZE).withBlockSize(64 << 10).withSizeMode(SizeMode.EXACT)).close();
    Path parent = dir.resolve("parent.vhd");
    try (VhdImage p = Vhd.create(parent, CreateOptions.dynamic(SIZE).withSizeMode(SizeMode.EXACT)
        .withBlockSize(128 << 10))) {
      byte[] d = new byte[(int) (SIZE / 2)];
      new Random(7).nextBytes(d);
      p.write(SIZE / 4, ByteBuffer.wrap(d));
    }
    Path child = dir.resolve("child.vhd");
    Vhd.create(child, CreateOptions.differencing(parent).withBlockSize(32 << 10)).close();
    Path[] images = {dynamic, child};
    byte[][] models = {read(dynamic), read(child)};
    Random timing = new Random(20261122);
    int midWrite = 0;
    for (int k = 0; k < KILLS; k++) {
      int which = k % 2;
      Path img = images[which];
      long seed = 1000L + k;
      Process proc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), KillTarget.class.getName(), img.toString(),
          Long.toString(seed)).redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      if (!"ready".equals(first)) {
        fail("kill " + k + ": the writer did not start: " + first + drain(out));
      }
      Thread.sleep(timing.nextInt(400));
      // kill -9 itself (Process.destroyForcibly would also close our end of its output, which
      // still holds the lines it printed before dying).
      int rc = new ProcessBuilder("kill", "-9", Long.toString(proc.pid())).inheritIO().start().waitFor();
      assertTrue(rc == 0 || !proc.isAlive(), "kill -9 failed");
      assertTrue(proc.waitFor(30, TimeUnit.SECONDS));
      int done = -1;
      List<String> other = new ArrayList<>();
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("done ")) {
          done = Integer.parseInt(line.substring(5));
        } else {
          other.add(line);
        }
      }
      assertTrue(other.isEmpty(), "kill " + k + ": the writer printed " + other);
      // Replay: writes 0..done completed; write done+1 may have been in flight, done or not.
      Random r = new Random(seed);
      byte[] model = models[which];
      for (int i = 0; i <= done; i++) {
        KillTarget.Write w = KillTarget.next(r, SIZE);
        System.arraycopy(w.data(), 0, model, (int) w.pos(), w.data().length);
      }
      KillTarget.Write maybe = KillTarget.next(r, SIZE);
      byte[] after = model.clone();
      System.arraycopy(maybe.data(), 0, after, (int) maybe.pos(), maybe.data().length);
      byte[] got = verify(img, k, done);
      for (long s = 0; s < SIZE / 512; s++) {
        int o = (int) s * 512;
        boolean old = Arrays.equals(got, o, o + 512, model, o, o + 512);
        boolean neu = Arrays.equals(got, o, o + 512, after, o, o + 512);
        if (!old && !neu) {
          fail("kill " + k + " (" + img.getFileName() + ", " + (done + 1) + " writes reported): sector " + s
              + " holds content it never had");
        }
      }
      if (!Arrays.equals(got, model) && !Arrays.equals(got, after)) {
        midWrite++;
      }
      models[which] = got;
    }
    System.out.println("KillTest: " + KILLS + " kills, " + midWrite + " in the middle of a multi-sector write");
  }

  private static byte[] read(Path p) throws IOException {
    try (VhdImage img = Vhd.open(p, OpenOptions.defaults().withParentDirectories(List.of(p.getParent())))) {
      return VhdAssertions.readAll(img);
    }
  }

  private static byte[] verify(Path p, int k, int done) throws IOException {
    OpenOptions o = OpenOptions.defaults().withParentDirectories(List.of(p.getParent()));
    byte[] content;
    try (VhdImage img = Vhd.open(p, o)) {
      for (Problem w : img.getWarnings()) {
        if (w.code() == ProblemCode.FOOTER_HEAD_COPY_USED) {
          fail("kill " + k + " after " + (done + 1) + " writes: no valid tail footer: " + w);
        }
      }
      content = VhdAssertions.readAll(img);
    }
    for (Problem x : Vhd.check(p, CheckOptions.defaults().withOpenOptions(o)).problems()) {
      if (x.severity() == Severity.ERROR) {
        fail("kill " + k + " after " + (done + 1) + " writes: check reports " + x);
      }
    }
    return content;
  }

  private static String drain(BufferedReader r) throws IOException {
    StringBuilder b = new StringBuilder();
    for (String line; (line = r.readLine()) != null; ) {
      b.append('\n').append(line);
    }
    return b.toString();
  }
}
