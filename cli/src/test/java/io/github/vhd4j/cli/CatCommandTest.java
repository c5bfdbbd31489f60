package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.TestImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vhd cat}: guest bytes, ranges, clamping. */
class CatCommandTest {
  @TempDir
  Path dir;

  @Test
  void shouldWriteWholeDisk() throws Exception {
    TestImage t = Images.smallDynamic();
    Path p = t.writeTo(dir.resolve("d.vhd"));

    Cli.Result r = Cli.run("cat", p.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertArrayEquals(t.expectedContent(), r.stdoutBytes());
  }

  @Test
  void shouldWriteRangeGivenWithSuffixes() throws Exception {
    TestImage t = Images.smallDynamic();
    Path p = t.writeTo(dir.resolve("d.vhd"));
    byte[] all = t.expectedContent();

    Cli.Result r = Cli.run("cat", "--offset", "4M", "--length=1k", p.toString());

    assertEquals(0, r.code(), r.err());
    assertArrayEquals(Arrays.copyOfRange(all, 4 << 20, (4 << 20) + 1024), r.stdoutBytes());
  }

  @Test
  void shouldWriteDifferencingContent() throws Exception {
    Images.Chain c = Images.chain(dir);

    Cli.Result r = Cli.run("cat", "--offset", "512", "--length", "4096", c.childPath().toString());

    assertEquals(0, r.code(), r.err());
    assertArrayEquals(Arrays.copyOfRange(c.content(), 512, 4608), r.stdoutBytes());
  }

  @Test
  void shouldClampRangeAtEndOfDisk() throws Exception {
    TestImage t = TestImage.fixed(Images.MIB).random(0, (int) Images.MIB, 3);
    Path p = t.writeTo(dir.resolve("f.vhd"));
    byte[] all = t.expectedContent();

    Cli.Result tail = Cli.run("cat", "--offset", String.valueOf(Images.MIB - 100), "--length", "1G", p.toString());
    Cli.Result beyond = Cli.run("cat", "--offset", "2M", p.toString());

    assertEquals(0, tail.code(), tail.err());
    assertArrayEquals(Arrays.copyOfRange(all, (int) Images.MIB - 100, (int) Images.MIB), tail.stdoutBytes());
    assertEquals(0, beyond.code(), beyond.err());
    assertEquals(0, beyond.stdoutBytes().length);
  }

  @Test
  void shouldRejectNegativeOffsetAsUsageError() throws Exception {
    Path p = TestImage.fixed(Images.MIB).writeTo(dir.resolve("f.vhd"));

    Cli.Result r = Cli.run("cat", "--offset", "-1", p.toString());

    assertEquals(2, r.code());
    assertEquals(0, r.stdoutBytes().length);
    assertTrue(r.err().contains("--offset"), r.err());
    assertTrue(r.err().contains("negative"), r.err());
  }

  @Test
  void shouldRejectMalformedSize() throws Exception {
    Path p = TestImage.fixed(Images.MIB).writeTo(dir.resolve("f.vhd"));

    Cli.Result r = Cli.run("cat", "--length", "12X", p.toString());

    assertEquals(2, r.code());
    assertTrue(r.err().contains("--length"), r.err());
  }

  @Test
  void shouldWriteToGivenChannelWhenCopyingMoreThanOneBuffer() throws Exception {
    // 9 MiB: more than two 4 MiB buffers, so the loop and the last partial buffer are exercised.
    TestImage t = TestImage.dynamic(9 * Images.MIB, 512 << 10).random(0, 64, 1)
        .random(4 * Images.MIB - 7, 4096, 2).random(9 * Images.MIB - 100, 100, 3);
    Path p = t.writeTo(dir.resolve("big.vhd"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    int code = Main.run(new String[] {"cat", p.toString()}, new PrintStream(text, true, StandardCharsets.UTF_8),
        err, Channels.newChannel(bytes));

    assertEquals(0, code);
    assertEquals(0, text.size());
    assertArrayEquals(t.expectedContent(), bytes.toByteArray());
  }
  @Test
  void shouldDrawProgressOnStandardErrorOnlyWithP() throws Exception {
    TestImage t = TestImage.dynamic(9 * Images.MIB, 512 << 10).random(0, 64, 1).random(9 * Images.MIB - 100, 100, 3);
    Path p = t.writeTo(dir.resolve("big.vhd"));

    Cli.Result bar = Cli.run("cat", "-p", p.toString());
    Cli.Result quiet = Cli.run("cat", p.toString());

    assertEquals(0, bar.code(), bar.err());
    // The guest bytes alone on standard output: the bar must not get into them.
    assertArrayEquals(t.expectedContent(), bar.stdoutBytes());
    assertTrue(bar.err().startsWith("\r[") && bar.err().contains("] 100%"), bar.err());
    assertEquals(bar.err().length() - 1, bar.err().indexOf('\n'), "one line, redrawn in place: " + bar.err());
    assertEquals(0, quiet.code(), quiet.err());
    assertEquals("", quiet.err());
    assertArrayEquals(t.expectedContent(), quiet.stdoutBytes());
  }

  @Test
  void shouldEndTheBarLineBeforeAnError() throws Exception {
    TestImage t = TestImage.dynamic(8 * Images.MIB, 2 * Images.MIB).fill(0, 512, 1).fill(6 * Images.MIB, 512, 2);
    Path p = t.writeTo(dir.resolve("cut.vhd"));
    // Cut the file inside the last block's data (the footer copy at 0 still describes the disk).
    byte[] whole = Files.readAllBytes(p);
    Files.write(p, Arrays.copyOf(whole, whole.length - 512 - 4096));

    Cli.Result r = Cli.run("cat", "-p", "--lenient", p.toString());

    // --lenient opens the image (saying what it tolerated) but cannot read block 3: the copy
    // stops there, after the bar has been drawn, and the error must start on a line of its own.
    assertEquals(2, r.code());
    assertTrue(r.err().matches("vhd: " + Pattern.quote(p.toString()) + ": warning: bat\\.entry\\[3\\][^\n]*"
        + " \\[BAT_ENTRY_OUTSIDE_FILE\\]\n\r\\[[# ]{40}\\] +\\d+%\nvhd: " + Pattern.quote(p.toString())
        + ": bat\\.entry\\[3\\][^\n]*\n"), r.err());
    byte[] out = r.stdoutBytes();
    assertTrue(out.length < 6 * Images.MIB, "stops before block 3: " + out.length);
    assertArrayEquals(Arrays.copyOf(t.expectedContent(), out.length), out);
  }
}
