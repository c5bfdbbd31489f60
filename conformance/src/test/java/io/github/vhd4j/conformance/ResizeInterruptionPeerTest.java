package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.vhd.Resizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A resize killed at any of its writes leaves an image that every reader opens with the old or
 * the new size and the same content up to the smaller one (zeros after it): qemu-img, 7-Zip,
 * libvhdi and vhd4j. The readers do not look at the same metadata (QEMU and 7-Zip go through the
 * footer copy at offset 0, libvhdi and vhd4j through the footer at the end, and 7-Zip wants a table
 * exactly as long as the size needs), so each interruption point is read by all four. The kill is
 * modelled at the library's storage: the N-th write, force or truncation and everything after it
 * never happen, as when the process dies there.
 */
@RequiresPeers({Peers.QEMU_IMG, Peers.SEVEN_ZIP, Peers.PYVHDI})
class ResizeInterruptionPeerTest {
  private static final long BLOCK = 64 << 10;
  private static final byte[] COOKIE = "conectix".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  @TempDir Path dir;

  @BeforeAll
  static void peers() {
    Peers.require(Peers.QEMU_IMG, Peers.SEVEN_ZIP, Peers.PYVHDI);
  }

  /** The image each case starts from, and its content. */
  private record Start(Path image, byte[] content, long newSize) {}

  private Start start(String op) throws IOException {
    Path p = dir.resolve("start.vhd");
    boolean fixed = op.endsWith("-fixed");
    long size = switch (op) {
      case "grow-in-place" -> 8 * BLOCK;
      case "grow-fixed", "shrink-fixed" -> 16 * BLOCK;
      default -> 64 * BLOCK;
    };
    long newSize = switch (op) {
      case "grow-moves-table" -> 1024 * BLOCK;
      case "grow-in-place" -> 100 * BLOCK;
      case "grow-fixed" -> 40 * BLOCK;
      case "shrink-fixed" -> 9 * BLOCK;
      case "shrink-table" -> 31 * BLOCK + 8192;
      default -> 63 * BLOCK + 8192;
    };
    CreateOptions o = (fixed ? CreateOptions.fixed(size) : CreateOptions.dynamic(size).withBlockSize(BLOCK))
        .withSizeMode(SizeMode.EXACT);
    byte[] content = new byte[(int) size];
    Random r = new Random(op.hashCode());
    try (VhdImage img = Vhd.create(p, o)) {
      // The data stays below the smaller size, where shrinking keeps it.
      long limit = Math.min(size, newSize);
      for (long at = 512; at + 4096 <= limit; at += 3 * BLOCK) {
        byte[] d = new byte[4096];
        r.nextBytes(d);
        img.write(at, ByteBuffer.wrap(d));
        System.arraycopy(d, 0, content, (int) at, d.length);
      }
    }
    return new Start(p, content, newSize);
  }

  @ParameterizedTest
  @ValueSource(strings = {"shrink", "shrink-table", "grow-in-place", "grow-moves-table", "shrink-fixed", "grow-fixed"})
  void shouldLeaveAnImageEveryReaderOpensWhereverAResizeIsKilled(String op) throws IOException {
    Start s = start(op);
    KilledStorage[] last = new KilledStorage[1];
    Path counted = copy(s.image(), "counted.vhd");
    Resizer.resize(counted, s.newSize(), SizeMode.EXACT, true, KilledStorage.opener(Integer.MAX_VALUE, last));
    int[] total = {last[0].operations()};
    assertTrue(total[0] >= 3, op + ": " + total[0] + " operations");
    long oldSize = s.content().length;
    List<String> failures = new ArrayList<>();
    for (int n = 1; n <= total[0] + 1; n++) {
      Path p = copy(s.image(), "n" + n + ".vhd");
      try {
        Resizer.resize(p, s.newSize(), SizeMode.EXACT, true, KilledStorage.opener(n, last));
        if (n <= total[0]) {
          fail(op + ": no kill at operation " + n + " of " + total[0]);
        }
      } catch (KilledStorage.Killed expected) {
        // The process died here.
      }
      String at = op + ", killed at operation " + n + " of " + total[0];
      for (Reader reader : Reader.values()) {
        String why = reader.verify(p, s.content(), oldSize, s.newSize(), dir, op);
        if (why != null) {
          failures.add(at + ": " + reader + ": " + why);
        }
      }
      Files.delete(p);
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private Path copy(Path from, String name) throws IOException {
    return Files.copy(from, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  /** The four readers; each returns null when it reads one of the two legitimate disks. */
  private enum Reader {
    VHD4J {
      @Override
      Read read(Path image, Path work) throws IOException {
        try (VhdImage img = Vhd.open(image)) {
          byte[] b = new byte[(int) img.getSize()];
          img.readFully(0, ByteBuffer.wrap(b));
          return new Read(b.length, b, "");
        }
      }
    },
    QEMU {
      @Override
      Read read(Path image, Path work) throws IOException {
        Path raw = work.resolve("qemu.raw");
        Files.deleteIfExists(raw);
        Qemu.toRaw(image, "current_size", raw);
        byte[] b = Files.readAllBytes(raw);
        Files.delete(raw);
        return new Read(b.length, b, "");
      }
    },
    LIBVHDI {
      @Override
      Read read(Path image, Path work) throws IOException {
        PeerVerifier.LibvhdiRead r = PeerVerifier.libvhdiRead(List.of(image), "chunks");
        return new Read(r.mediaSize(), r.content(), "");
      }
    },
    SEVEN_ZIP {
      @Override
      Read read(Path image, Path work) throws IOException {
        Path out = work.resolve("7z");
        try {
          Peers.Result r = Peers.run(List.of(Peers.SEVEN_ZIP, "x", "-y", "-bd", "-o" + out, image.toString()), 600);
          List<Path> files;
          try (Stream<Path> l = Files.exists(out) ? Files.list(out) : Stream.empty()) {
            files = l.toList();
          }
          boolean complained = r.code() == 2 && (r.out() + r.stderr()).contains("Can't find footer");
          if ((r.code() != 0 && !complained) || files.size() != 1) {
            throw new IOException(r.describe());
          }
          byte[] b = Files.readAllBytes(files.get(0));
          return new Read(b.length, b, complained ? "Can't find footer" : "");
        } finally {
          if (Files.exists(out)) {
            try (Stream<Path> w = Files.walk(out)) {
              for (Path f : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
              }
            }
          }
        }
      }
    };

    /** What a reader returned: the disk's size and its bytes. */
    record Read(long size, byte[] content, String note) {}

    abstract Read read(Path image, Path work) throws IOException;

    /**
     * Null when the reader opened the disk with the old or the new size and read {@code content}
     * up to the smaller size and zeros after it; else what went wrong.
     */
    @org.jspecify.annotations.Nullable
    String verify(Path image, byte[] content, long oldSize, long newSize, Path work, String op) {
      Read r;
      try {
        r = read(image, work);
      } catch (IOException e) {
        return "does not open: " + e.getMessage();
      }
      if (!r.note().isEmpty() && !op.equals("grow-moves-table")) {
        // Only a growth that moves the table has a window 7-Zip complains about (exit status 2,
        // the right content extracted): see conformance/DIVERGENCES.md.
        return "complains: " + r.note();
      }
      boolean growFixed = op.equals("grow-fixed");
      if (r.size() != oldSize && r.size() != newSize) {
        return "size " + r.size() + ", neither " + oldSize + " nor " + newSize;
      }
      if (r.content().length != r.size()) {
        return "read " + r.content().length + " bytes of " + r.size();
      }
      int common = (int) Math.min(Math.min(oldSize, newSize), r.size());
      if (!Arrays.equals(content, 0, common, r.content(), 0, common)) {
        return "content differs below " + common + " at " + Arrays.mismatch(
            Arrays.copyOf(content, common), Arrays.copyOf(r.content(), common));
      }
      for (int i = common; i < r.content().length; i++) {
        if (r.content()[i] != 0) {
          // Growing a fixed disk: the old footer stays at the old end until it is zeroed (the
          // documented window); shrinking one: the new footer is written where the disk will end
          // before the file is cut there, and the old size shows it in the space being cut.
          boolean footer = (growFixed || newSize < oldSize) && i - common < 512
              && Arrays.equals(r.content(), common, common + 8, COOKIE, 0, 8);
          if (!footer) {
            return "byte " + i + " past the smaller size is not zero";
          }
        }
      }
      return null;
    }
  }
}
