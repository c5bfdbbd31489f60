package io.github.vhd4j.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.BlockChecksum;
import io.github.vhd4j.ChecksumAlgorithm;
import io.github.vhd4j.ChecksumOptions;
import io.github.vhd4j.ContentChecksum;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.testing.DocSamples;
import io.github.vhd4j.testing.TestImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checksum samples of docs/library.md ("Content digests") and of the Javadoc of
 * {@link DiskImages#checksum} and {@link ChecksumOptions}, copied here verbatim and run on a real
 * image; the first test fails when a sample is not copied here.
 */
class ChecksumSamplesTest {
  private static final int MIB = 1 << 20;
  private static final Path SELF = DocSamples.projectFile("core/src/test/java/io/github/vhd4j/docs/ChecksumSamplesTest.java");

  @TempDir
  Path dir;

  @Test
  void everySampleIsCopiedHere() throws Exception {
    String tested = DocSamples.squeeze(Files.readString(SELF));
    String library = Files.readString(DocSamples.projectFile("docs/library.md"));
    Matcher m = Pattern.compile("### Content digests\n.*?```java\n(.*?)```", Pattern.DOTALL).matcher(library);
    assertTrue(m.find(), "docs/library.md has a Content digests section with a Java sample");
    assertTrue(tested.contains(DocSamples.squeeze(m.group(1))), "library.md's sample is not copied here");
    List<String> javadoc = DocSamples.codeBlocks(DocSamples.projectFile("core/src/main/java/io/github/vhd4j/DiskImages.java"))
        .stream().filter(b -> b.contains("DiskImages.checksum")).toList();
    assertEquals(2, javadoc.size());
    for (String block : javadoc) {
      assertTrue(tested.contains(DocSamples.squeeze(block)), "not copied here:\n" + block);
    }
    DocSamples.assertSamplesTested(DocSamples.projectFile("core/src/main/java/io/github/vhd4j/ChecksumOptions.java"),
        SELF, 1);
  }

  private static String sha256(byte[] b, int from, int to) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(b, from, to - from);
    return HexFormat.of().formatHex(md.digest());
  }

  private static String captured(ByteArrayOutputStream out) {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void librarySampleComputesTheDigestAndAManifest() throws Exception {
    TestImage t = TestImage.dynamic(4L * MIB, 2L * MIB).random(1000, 5000, 1);
    Path path = t.writeTo(dir.resolve("disk.vhd"));
    byte[] content = t.expectedContent();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      // The sample, verbatim:
      try (DiskImage image = DiskImages.open(path)) {
        ContentChecksum sum = DiskImages.checksum(image, ChecksumOptions.defaults(), ProgressListener.none());
        System.out.println(sum.digest() + "  " + path);     // as sha256sum prints it for the raw copy
        DiskImages.checksumBlocks(image, ChecksumOptions.defaults().withBlockSize(512 * 1024),
            block -> System.out.println(block.offset() + " " + block.length() + " " + block.digest()));
      }
    } finally {
      System.setOut(saved);
    }
    List<String> lines = captured(out).lines().toList();
    assertEquals(9, lines.size());
    assertEquals(sha256(content, 0, content.length) + "  " + path, lines.get(0));
    assertEquals("524288 524288 " + sha256(content, 512 * 1024, MIB), lines.get(2));
  }

  @Test
  void javadocSamplesRun() throws Exception {
    TestImage t = TestImage.dynamic(4L * MIB, 2L * MIB).random(3L * MIB, 100, 2);
    Path disk = t.writeTo(dir.resolve("disk.vhd"));
    byte[] content = t.expectedContent();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      try (DiskImage image = DiskImages.open(disk)) {   // disk: the image's Path
        ContentChecksum sum = DiskImages.checksum(image, ChecksumOptions.defaults(), ProgressListener.none());
        System.out.println(sum.digest());   // what sha256sum prints for qemu-img convert -O raw's output
      }
    } finally {
      System.setOut(saved);
    }
    assertEquals(sha256(content, 0, content.length) + System.lineSeparator(), captured(out));

    List<String> manifest = new ArrayList<>();
    try (DiskImage image = DiskImages.open(disk)) {
      ChecksumOptions everyHalfMebibyte = ChecksumOptions.defaults().withBlockSize(512 * 1024);
      ContentChecksum sum = DiskImages.checksumBlocks(image, everyHalfMebibyte,
          block -> manifest.add(block.offset() + " " + block.digest()));
      assertEquals(List.of(), sum.blocks());
    }
    assertEquals(8, manifest.size());
    assertEquals((6 * 512 * 1024) + " " + sha256(content, 3 * MIB, 3 * MIB + 512 * 1024), manifest.get(6));

    ChecksumOptions options = ChecksumOptions.defaults()
        .withAlgorithm(ChecksumAlgorithm.SHA512)
        .withBlockSize(512 * 1024);
    try (DiskImage image = DiskImages.open(disk)) {
      List<BlockChecksum> blocks = DiskImages.checksum(image, options, ProgressListener.none()).blocks();
      assertEquals(128, blocks.get(0).digest().length(), "SHA-512: 64 bytes");
      assertEquals(8, blocks.size());
    }
  }
}
