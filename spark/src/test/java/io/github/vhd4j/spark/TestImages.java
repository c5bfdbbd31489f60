package io.github.vhd4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The test images, built once per JVM in {@code target/spark-images/}: fixed, dynamic, a
 * differencing chain, damaged ones, hidden files the listing must skip, and (with qemu-img) a VHD
 * and a VHDX written by QEMU. Never copied from elsewhere.
 */
public final class TestImages {
  /** Files that open cleanly, and their expected chain depth. */
  public static final List<String> GOOD = List.of("fixed.vhd", "dynamic.vhd", "base.vhd", "child.vhd");
  /** Files that do not open: a zeroed dynamic header cookie, and junk. */
  public static final List<String> DAMAGED = List.of("bad-header.vhd", "junk.vhd");
  /** QEMU's images, present when qemu-img is installed. */
  public static final List<String> QEMU = List.of("qemu.vhd", "qemu.vhdx");

  /**
   * The images whose content QEMU 7.2 reads as vhd4j does. Not the others, by divergences pinned
   * in conformance/DIVERGENCES.md: QEMU sizes a fixed disk from an unknown creator differently
   * (case 1), and reads a differencing disk without its parent (case 5).
   */
  public static final List<String> QEMU_AGREES = List.of("dynamic.vhd", "base.vhd", "qemu.vhd", "qemu.vhdx");

  private static Path dir;

  private TestImages() {}

  /**
   * Returns the directory of test images, building it on first use.
   *
   * @return the directory
   */
  public static synchronized Path dir() {
    if (dir == null) {
      try {
        dir = build(Path.of("target/spark-images").toAbsolutePath());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  /**
   * Whether qemu-img can be run; when it cannot, a test needing it is skipped, or fails when
   * {@code VHD4J_PEERS_REQUIRED=1} (as CI sets it).
   *
   * @return true when qemu-img is available
   */
  public static boolean qemu() {
    boolean found = false;
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "qemu-img"))) {
        found = true;
      }
    }
    return found;
  }

  /** Skips (or, in CI, fails) the calling test without qemu-img. */
  public static void requireQemu() {
    if (!qemu()) {
      if ("1".equals(System.getenv("VHD4J_PEERS_REQUIRED"))) {
        fail("qemu-img not installed but VHD4J_PEERS_REQUIRED=1");
      }
      assumeTrue(false, "qemu-img not installed (apt-get install qemu-utils)");
    }
  }

  private static Path build(Path d) throws IOException {
    if (Files.exists(d)) {
      try (var walk = Files.walk(d)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(d);
    Random r = new Random(42);
    try (VhdImage img = Vhd.create(d.resolve("fixed.vhd"), CreateOptions.fixed(6 << 20))) {
      write(img, r, 0, 1 << 20);
      write(img, r, 3 << 20, 1 << 20);
    }
    try (VhdImage img = Vhd.create(d.resolve("dynamic.vhd"), CreateOptions.dynamic(24 << 20))) {
      write(img, r, 0, 2 << 20);
      write(img, r, 6 << 20, 3 << 20);
      write(img, r, (20 << 20) + 4096, 8192);
    }
    try (VhdImage img = Vhd.create(d.resolve("base.vhd"), CreateOptions.dynamic(16 << 20))) {
      write(img, r, 0, 8 << 20);
    }
    try (VhdImage img = Vhd.create(d.resolve("child.vhd"), CreateOptions.differencing(d.resolve("base.vhd")))) {
      write(img, r, 1 << 20, 4096);
      write(img, r, 10 << 20, 2 << 20);
    }
    // A dynamic disk whose dynamic header cookie is zeroed: no open can read its table.
    Files.copy(d.resolve("dynamic.vhd"), d.resolve("bad-header.vhd"));
    try (FileChannel ch = FileChannel.open(d.resolve("bad-header.vhd"), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(8), 512);
    }
    byte[] junk = new byte[3000];
    r.nextBytes(junk);
    Files.write(d.resolve("junk.vhd"), junk);
    // What the listing must skip.
    Files.write(d.resolve("_SUCCESS"), new byte[0]);
    Files.copy(d.resolve("fixed.vhd"), d.resolve(".hidden.vhd"));
    if (qemu()) {
      Path raw = Files.createTempFile("vhd4j-raw", ".bin");
      try {
        byte[] b = new byte[5 << 20];
        r.nextBytes(b);
        // Zeros in the middle, so that QEMU leaves blocks out.
        java.util.Arrays.fill(b, 1 << 20, 3 << 20, (byte) 0);
        Files.write(raw, b);
        run("qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o", "subformat=dynamic", raw.toString(),
            d.resolve("qemu.vhd").toString());
        run("qemu-img", "convert", "-f", "raw", "-O", "vhdx", raw.toString(), d.resolve("qemu.vhdx").toString());
      } finally {
        Files.delete(raw);
      }
    }
    return d;
  }

  private static void write(VhdImage img, Random r, long at, int length) throws IOException {
    byte[] b = new byte[length];
    r.nextBytes(b);
    img.write(at, ByteBuffer.wrap(b));
  }

  /**
   * Runs a command, failing on a non-zero exit.
   *
   * @param cmd the command
   * @return its standard output
   * @throws IOException if it cannot be run
   */
  public static byte[] run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (InputStream in = p.getInputStream()) {
      byte[] out = in.readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + List.of(cmd));
      }
      assertEquals(0, p.exitValue(), "exit code of " + List.of(cmd));
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /**
   * The SHA-256 of an image's whole virtual disk, as {@code qemu-img convert -O raw} writes it
   * when qemu-img is there and reads that image as vhd4j does ({@link #QEMU_AGREES}: the peer's
   * answer), else as the library reads it.
   *
   * @param image the image file
   * @return the hex digest
   * @throws IOException if it cannot be read
   */
  public static String rawSha256(Path image) throws IOException {
    if (qemu() && QEMU_AGREES.contains(image.getFileName().toString())) {
      Path raw = Files.createTempFile("vhd4j-conv", ".raw");
      try {
        Files.delete(raw);
        run("qemu-img", "convert", "-O", "raw", image.toString(), raw.toString());
        try (InputStream in = Files.newInputStream(raw)) {
          return sha256(in.readAllBytes());
        }
      } finally {
        Files.deleteIfExists(raw);
      }
    }
    try (DiskImage img = DiskImages.open(image)) {
      ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(img.getSize()));
      img.readFully(0, all);
      return sha256(all.array());
    }
  }

  /**
   * The bytes content mode emits for an image without zero chunks: every chunk that overlaps a
   * stored run of the library's map.
   *
   * @param image the image file
   * @param chunk the chunk size
   * @return the sum of those chunks' lengths
   * @throws IOException if it cannot be read
   */
  public static long chunkedStoredBytes(Path image, long chunk) throws IOException {
    try (DiskImage img = DiskImages.open(image)) {
      java.util.TreeSet<Long> chunks = new java.util.TreeSet<>();
      for (io.github.vhd4j.Extent e : img.map()) {
        if (e.data()) {
          for (long k = e.start() / chunk; k <= (e.end() - 1) / chunk; k++) {
            chunks.add(k);
          }
        }
      }
      long n = 0;
      for (long k : chunks) {
        n += Math.min(chunk, img.getSize() - k * chunk);
      }
      return n;
    }
  }

  /**
   * Hex SHA-256 of bytes.
   *
   * @param bytes the bytes
   * @return the digest
   */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
