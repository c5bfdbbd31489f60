package io.github.vhd4j;

import static io.github.vhd4j.testing.VhdAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.github.vhd4j.testing.OtherProcess;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OpenOptions#locking()}: what an image held by this process does to another process, and
 * the reverse. POSIX locks never conflict within one process, so the other side is a second JVM
 * ({@link OtherProcess}).
 */
class LockingTest {
  private static final long BLOCK = 512 << 10;
  private static final String IN_USE = "another process is using it";
  @TempDir Path dir;
  private Path img;

  @BeforeEach
  void skipOnWindows() throws IOException {
    assumeFalse(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows"),
        "no locks are taken on Windows");
    img = disk("disk.vhd");
  }

  private Path disk(String name) throws IOException {
    Path p = dir.resolve(name);
    try (VhdImage d = Vhd.create(p, CreateOptions.dynamic(8 * BLOCK).withBlockSize(BLOCK)
        .withSizeMode(SizeMode.EXACT))) {
      d.write(BLOCK, ByteBuffer.wrap(new byte[4096]).put(0, (byte) 1));
      d.write(3 * BLOCK, ByteBuffer.wrap(new byte[4096]));
    }
    return p;
  }

  private static void assertInUse(Path image, IOException e) {
    assertTrue(e instanceof ImageInUseException, e.toString());
    assertEquals(image.toString(), ((ImageInUseException) e).getResource());
    assertTrue(e.getMessage().contains(IN_USE), e.getMessage());
  }

  @Test
  void shouldRefuseEveryWriterWhileAnotherProcessWritesAndLeaveTheFileAsItWas() throws IOException {
    byte[] before = Files.readAllBytes(img);
    byte[] content;
    try (VhdImage i = Vhd.open(img)) {
      content = readAll(i);
    }
    try (OtherProcess other = OtherProcess.open("write", img)) {
      assertEquals("ready", other.answer());
      assertInUse(img, assertThrows(IOException.class, () -> Vhd.open(img, OpenOptions.forWriting())));
      assertInUse(img, assertThrows(IOException.class, () -> Vhd.resize(img, 16 * BLOCK, SizeMode.EXACT)));
      assertInUse(img, assertThrows(IOException.class, () -> Vhd.compact(img, ProgressListener.none())));
      assertInUse(img, assertThrows(IOException.class, () -> Vhd.repair(img)));
      assertInUse(img, assertThrows(IOException.class, () -> Vhd.holdForWriting(img, OpenOptions.defaults())));
      assertArrayEquals(before, Files.readAllBytes(img));

      // Readers go on, warned that the content may change under them.
      try (VhdImage r = Vhd.open(img)) {
        Problem w = r.getWarnings().get(0);
        assertEquals(ProblemCode.IMAGE_IN_USE, w.code());
        assertEquals(Severity.WARNING, w.severity());
        assertEquals("another process has " + img + " open for writing; its content may change while it is read",
            w.message());
        assertArrayEquals(content, readAll(r));
      }
      assertTrue(Vhd.check(img).contains(ProblemCode.IMAGE_IN_USE));
      assertEquals(List.of(), Vhd.planRepair(img));
      assertTrue(Vhd.probe(img));
    }
    // With the other process gone, writers may open it again, and readers are not warned.
    try (VhdImage w = Vhd.open(img, OpenOptions.forWriting())) {
      assertEquals(List.of(), w.getWarnings());
    }
    try (VhdImage r = Vhd.open(img)) {
      assertEquals(List.of(), r.getWarnings());
    }
  }

  @Test
  void shouldRefuseToCommitWhileAnotherProcessWritesTheChildOrTheParent() throws IOException {
    Path child = dir.resolve("child.vhd");
    try (VhdImage c = Vhd.create(child, CreateOptions.differencing(img))) {
      c.write(0, ByteBuffer.wrap(new byte[4096]).put(0, (byte) 9));
    }
    byte[] parentBefore = Files.readAllBytes(img);
    byte[] childBefore = Files.readAllBytes(child);
    OpenOptions chain = OpenOptions.defaults();
    for (Path held : List.of(child, img)) {
      try (OtherProcess other = OtherProcess.open("write", held)) {
        assertEquals("ready", other.answer());
        IOException e = assertThrows(IOException.class, () -> Vhd.commit(child, chain, ProgressListener.none()));
        assertTrue(e instanceof ImageInUseException, e.toString());
        assertEquals(held.toAbsolutePath().normalize(),
            Path.of(((ImageInUseException) e).getResource()).toAbsolutePath().normalize());
      }
      assertArrayEquals(parentBefore, Files.readAllBytes(img), "the parent changed");
      assertArrayEquals(childBefore, Files.readAllBytes(child), "the child changed");
    }
    assertEquals(img.toAbsolutePath().normalize(),
        Vhd.commit(child, chain, ProgressListener.none()).toAbsolutePath().normalize());
  }

  @Test
  void shouldHoldTheParentsOfAWritableImageAsAReaderDoes() throws IOException {
    Path one = dir.resolve("one.vhd");
    Path two = dir.resolve("two.vhd");
    Vhd.create(one, CreateOptions.differencing(img)).close();
    Vhd.create(two, CreateOptions.differencing(img)).close();
    // Two children of one base, both written by this process: the base is only read.
    try (VhdImage a = Vhd.open(one, OpenOptions.forWriting()); VhdImage b = Vhd.open(two, OpenOptions.forWriting())) {
      a.write(0, ByteBuffer.wrap(new byte[512]).put(0, (byte) 4));
      b.write(0, ByteBuffer.wrap(new byte[512]).put(0, (byte) 5));
      try (OtherProcess other = OtherProcess.open("read", img)) {
        assertEquals("ready", other.answer(), "the base is not being written");
      }
      try (OtherProcess other = OtherProcess.open("write", img)) {
        assertTrue(other.answer().startsWith("refused " + IN_USE), "the base must not change: " + other.answer());
      }
    }
  }

  @Test
  void shouldRefuseWritersWhileAnotherProcessReadsAndLetReadersShareIt() throws IOException {
    try (OtherProcess other = OtherProcess.open("read", img)) {
      assertEquals("ready", other.answer());
      assertInUse(img, assertThrows(IOException.class, () -> Vhd.open(img, OpenOptions.forWriting())));
      try (VhdImage r = Vhd.open(img)) {
        assertEquals(List.of(), r.getWarnings(), "readers do not disturb each other");
      }
    }
  }

  @Test
  void shouldKeepOtherProcessesOutUntilTheLastImageOfTheFileCloses() throws IOException {
    // POSIX locks go with the first descriptor of the file the process closes: closing one of
    // two images of a file must leave the other's locks in place.
    VhdImage first = Vhd.open(img);
    Vhd.open(img).close();
    try (OtherProcess other = OtherProcess.open("write", img)) {
      assertTrue(other.answer().startsWith("refused " + IN_USE), other.answer());
    }
    first.close();
    try (OtherProcess other = OtherProcess.open("write", img)) {
      assertEquals("ready", other.answer());
    }
  }

  @Test
  void shouldGiveReadersTheirLocksBackWhenThisProcessStopsWriting() throws IOException {
    try (VhdImage reader = Vhd.open(img)) {
      VhdImage writer = Vhd.open(img, OpenOptions.forWriting());
      try (VhdImage alongside = Vhd.open(img)) {
        assertEquals(List.of(), alongside.getWarnings(), "this process's own writer is no warning");
      }
      try (OtherProcess other = OtherProcess.open("read", img)) {
        assertEquals("ready IMAGE_IN_USE", other.answer(), "another process sees a writer");
      }
      writer.close();
      try (OtherProcess other = OtherProcess.open("write", img)) {
        assertTrue(other.answer().startsWith("refused " + IN_USE), "the reader still holds it: " + other.answer());
      }
      try (OtherProcess other = OtherProcess.open("read", img)) {
        assertEquals("ready", other.answer(), "a reader, no writer");
      }
      assertEquals(List.of(), reader.getWarnings());
    }
  }

  @Test
  void shouldRefuseASecondWriterWithinThisProcess() throws IOException {
    try (VhdImage w = Vhd.open(img, OpenOptions.forWriting())) {
      ImageInUseException e = assertThrows(ImageInUseException.class,
          () -> Vhd.open(img, OpenOptions.forWriting()));
      assertEquals("the image is open for writing elsewhere in this process (" + img + ")", e.getMessage());
      assertThrows(ImageInUseException.class, () -> Vhd.resize(img, 16 * BLOCK, SizeMode.EXACT));
      // Locking off: the caller takes the risk, nothing is checked.
      Vhd.open(img, OpenOptions.forWriting().withLocking(false)).close();
      assertTrue(w.isWritable());
    }
  }

  @Test
  void shouldNeitherTakeNorRespectLocksWhenLockingIsOff() throws IOException {
    OpenOptions off = OpenOptions.defaults().withLocking(false);
    try (VhdImage r = Vhd.open(img, off); OtherProcess other = OtherProcess.open("write", img)) {
      assertEquals("ready", other.answer(), "a reader without locks keeps no writer out");
      assertEquals(List.of(), r.getWarnings());
    }
    try (OtherProcess other = OtherProcess.open("write", img)) {
      assertEquals("ready", other.answer());
      try (VhdImage r = Vhd.open(img, off)) {
        assertEquals(List.of(), r.getWarnings(), "without locking nothing is looked for");
      }
      assertEquals(8 * BLOCK, Vhd.resize(img, 8 * BLOCK, SizeMode.EXACT, off));
    }
  }

  @Test
  void shouldHoldNewImagesAndReplacedFilesFromTheStart() throws IOException {
    Path made = dir.resolve("new.vhd");
    try (VhdImage created = Vhd.create(made, CreateOptions.dynamic(8 * BLOCK));
        OtherProcess other = OtherProcess.open("write", made)) {
      assertTrue(other.answer().startsWith("refused " + IN_USE), other.answer());
      assertTrue(created.isWritable());
    }
    Closeable held = Vhd.holdForWriting(img, OpenOptions.defaults());
    try (OtherProcess other = OtherProcess.open("read", img)) {
      assertEquals("ready IMAGE_IN_USE", other.answer());
    } finally {
      held.close();
    }
    try (OtherProcess other = OtherProcess.open("write", img)) {
      assertEquals("ready", other.answer(), "closing the hold released the file");
    }
  }
}
