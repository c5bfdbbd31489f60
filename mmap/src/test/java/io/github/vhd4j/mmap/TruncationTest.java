package io.github.vhd4j.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A mapped image whose file another thread or process cuts shorter while it is read: every read
 * path ends with a {@link VhdException} naming the file and its new length, never with the JVM's
 * {@link InternalError}, and the image still closes.
 */
class TruncationTest {
  private static final int MIB = 1 << 20;
  @TempDir Path dir;

  /** A fixed 16 MiB disk whose every byte is stored and non-zero. */
  private Path image() throws IOException {
    Path p = dir.resolve("cut.vhd");
    try (VhdImage img = Vhd.create(p, CreateOptions.fixed(16L * MIB).withSizeMode(SizeMode.EXACT))) {
      byte[] d = new byte[MIB];
      Arrays.fill(d, (byte) 3);
      for (long at = 0; at < 16L * MIB; at += MIB) {
        img.write(at, ByteBuffer.wrap(d));
      }
    }
    return p;
  }

  /** Cuts the file to {@code length}: from this process's other thread, or from another process. */
  private static void cut(Path p, long length, boolean otherProcess) throws Exception {
    if (otherProcess) {
      Process t = new ProcessBuilder("truncate", "-s", Long.toString(length), p.toString()).inheritIO().start();
      assumeTrue(t.waitFor() == 0, "truncate(1) is not available");
    } else {
      Thread t = new Thread(() -> {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
          ch.truncate(length);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      t.start();
      t.join();
    }
    assertEquals(length, Files.size(p));
  }

  private static void assertCut(Path p, long now, Throwable t) {
    assertTrue(t instanceof VhdException, "ended with " + t);
    assertEquals(p.toString(), ((VhdException) t).getResource());
    assertTrue(t.getMessage().startsWith("the file changed while it was read: it is now " + now + " bytes, "
        + (16L * MIB + 512) + " when it was opened"), t.getMessage());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  @Timeout(60)
  void shouldFailEveryReadPathWithTheNewLength(boolean otherProcess) throws Exception {
    Path p = image();
    try (VhdImage img = Vhd.open(p, MappedStorage.options().withMapChunkSize(MIB))) {
      assertFalse(img.getWarnings().stream().anyMatch(w -> w.code() == ProblemCode.STORAGE_FALLBACK));
      ByteBuffer b = ByteBuffer.allocate(MIB);
      for (int i = 0; i < 2000; i++) {
        b.clear();
        img.readFully((long) (i % 15) * MIB, b);
      }
      cut(p, 2L * MIB, otherProcess);
      b.clear();
      img.readFully(0, b);
      assertEquals(3, b.get(0), "what is left reads as before");
      b.clear();
      assertCut(p, 2L * MIB, assertThrows(IOException.class, () -> img.readFully(8L * MIB, b)));
      assertCut(p, 2L * MIB, assertThrows(IOException.class, () -> img.read(12L * MIB, ByteBuffer.allocateDirect(512))));
      try (InputStream in = img.newInputStream()) {
        assertCut(p, 2L * MIB, assertThrows(IOException.class, () -> in.transferTo(java.io.OutputStream.nullOutputStream())));
      }
      // Conversion reads on several threads: the failure is the same, and no output is left.
      Path out = dir.resolve("out.vhd");
      assertCut(p, 2L * MIB, assertThrows(IOException.class,
          () -> Vhd.convert(img, out, CreateOptions.dynamic(0), ProgressListener.none())));
      assertFalse(Files.exists(out));
    }
  }

  @Test
  @Timeout(60)
  void shouldEndReadsRacingWithTheCutAndStillClose() throws Exception {
    Path p = image();
    VhdImage img = Vhd.open(p, MappedStorage.options().withMapChunkSize(MIB));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(2);
    Thread[] readers = new Thread[2];
    for (int k = 0; k < readers.length; k++) {
      int seed = k;
      readers[k] = new Thread(() -> {
        ByteBuffer b = ByteBuffer.allocate(256 << 10);
        try {
          for (long n = seed; ; n++) {
            b.clear();
            img.readFully((n * 4096 * 7) % (15L * MIB), b);
            started.countDown();
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
          if (!(t instanceof VhdException)) {
            failure.set(t);
          }
        }
      });
      readers[k].start();
    }
    started.await();
    cut(p, MIB, false);
    for (Thread t : readers) {
      t.join();
    }
    assertCut(p, MIB, failure.get());
    img.close();
  }
}
