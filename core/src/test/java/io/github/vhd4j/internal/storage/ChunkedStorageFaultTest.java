package io.github.vhd4j.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.VhdException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mapped file cut shorter under the mapping: the JVM's {@link InternalError} (SIGBUS) must
 * surface from the read that touched the missing pages, as a {@link VhdException} naming the file
 * and its new length, never later and never as an Error. Mapped here with {@link FileChannel#map}
 * directly; the mmap module maps through the same chunked reader.
 */
class ChunkedStorageFaultTest {
  private static final int MIB = 1 << 20;
  @TempDir Path dir;

  /** Maps {@code file} in 1 MiB chunks over a writer's lease (so the test can cut it). */
  private static ChunkedStorage map(OpenFiles.Lease lease) throws IOException {
    FileChannel ch = lease.channel();
    long size = ch.size();
    ByteBuffer[] chunks = new ByteBuffer[(int) ((size + MIB - 1) / MIB)];
    for (int i = 0; i < chunks.length; i++) {
      chunks[i] = ch.map(FileChannel.MapMode.READ_ONLY, (long) i * MIB, Math.min(MIB, size - (long) i * MIB));
    }
    return ChunkedStorage.of(chunks, 20, size, null, lease);
  }

  private Path file(int mib) throws IOException {
    byte[] b = new byte[mib * MIB];
    java.util.Arrays.fill(b, (byte) 7);
    return Files.write(dir.resolve("cut.vhd"), b);
  }

  @Test
  void shouldReportACutFileFromTheReadThatFoundIt() throws IOException {
    Path p = file(8);
    OpenFiles.Lease lease = OpenFiles.open(p, OpenFiles.Access.WRITE, true);
    try (ChunkedStorage s = map(lease)) {
      ByteBuffer dst = ByteBuffer.allocate(64 << 10);
      // Warm the copy up so that the compiler, not the interpreter, makes it.
      for (int i = 0; i < 20_000; i++) {
        s.read((long) (i % 100) * 4096, dst, 0, 4096);
      }
      lease.truncate(MIB);
      s.read(0, dst, 0, 4096);
      assertEquals(7, dst.get(0), "what is left reads as before");
      for (boolean direct : new boolean[] {false, true}) {
        ByteBuffer into = direct ? ByteBuffer.allocateDirect(4096) : ByteBuffer.allocate(4096);
        VhdException e = assertThrows(VhdException.class, () -> s.read(5L * MIB, into, 0, 4096));
        assertEquals(p.toString(), e.getResource());
        assertEquals("the file changed while it was read: it is now 1048576 bytes, 8388608 when it was opened;"
            + " a read of 4096 bytes at 5242880 found it cut (" + p + ")", e.getMessage());
        assertTrue(e.getCause() instanceof InternalError, String.valueOf(e.getCause()));
      }
      // A read across the new end fails the same way.
      assertThrows(VhdException.class, () -> s.read(MIB - 100, dst, 0, 4096));
    }
  }

  @Test
  @Timeout(60)
  void shouldReportACutMadeByAnotherThreadWhileReadsRun() throws Exception {
    Path p = file(16);
    OpenFiles.Lease lease = OpenFiles.open(p, OpenFiles.Access.WRITE, true);
    try (ChunkedStorage s = map(lease)) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      CountDownLatch reading = new CountDownLatch(1);
      Thread reader = new Thread(() -> {
        ByteBuffer dst = ByteBuffer.allocate(MIB);
        try {
          for (long n = 0; ; n++) {
            s.read((n * 65536) % (15L * MIB), dst, 0, MIB);
            reading.countDown();
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      reader.start();
      reading.await();
      try (FileChannel other = FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
        other.truncate(2 * MIB);
      }
      reader.join();
      Throwable t = failure.get();
      assertTrue(t instanceof VhdException, "the reader ended with " + t);
      assertTrue(t.getMessage().startsWith("the file changed while it was read: it is now 2097152 bytes"),
          t.getMessage());
    }
  }
}
