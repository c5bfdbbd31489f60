package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.testing.TestImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --lenient} says what it tolerated: each error the image (or a parent) opened with is a
 * {@code vhd: FILE: warning: ...} line on standard error, FILE being the file the error is in; and
 * the warning that another process writes an image is printed the same way, lenient or not.
 */
class WarningsTest {
  private static final long MIB = Images.MIB;

  @TempDir
  Path dir;

  /** A dynamic image whose header checksum is wrong (lenient mode opens it), data in block 0. */
  private static TestImage damaged() {
    TestImage t = TestImage.dynamic(8 * MIB, 2 * MIB).fill(0, 4096, 7);
    t.headerChecksum = 0x1234L;
    return t;
  }

  private static String warning(Path file) {
    return "vhd: " + file + ": warning: header.checksum at offset 548 (0x224): expected 0x"
        + String.format("%08x", 0xfffff473L) + ", found 0x00001234 [HEADER_CHECKSUM]";
  }

  @ParameterizedTest
  @ValueSource(strings = {"info", "info --json", "map", "map --json", "cat", "convert", "compare"})
  void shouldPrintEachToleratedErrorOnStandardError(String command) throws Exception {
    Path p = damaged().writeTo(dir.resolve("bad.vhd"));
    List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
    args.add("--lenient");
    args.add(p.toString());
    if (command.equals("convert")) {
      args.add(dir.resolve("out.raw").toString());
    } else if (command.equals("compare")) {
      args.add(p.toString());
    }

    Cli.Result r = Cli.run(args.toArray(new String[0]));

    assertEquals(0, r.code(), r.err());
    // compare opens the image twice, as A and as B: one line each.
    List<String> expected = command.equals("compare") ? List.of(warning(p), warning(p)) : List.of(warning(p));
    assertEquals(expected, r.errLines());
    assertTrue(!r.out().contains("vhd: "), "standard output stays the command's own: " + r.out());
  }

  @Test
  void shouldNameTheParentAProblemIsIn() throws Exception {
    TestImage base = damaged();
    Path basePath = base.writeTo(dir.resolve("base.vhd"));
    Path child = TestImage.differencing(base, "base.vhd", 2 * MIB).fill(512, 512, 3).writeTo(dir.resolve("c.vhd"));

    Cli.Result info = Cli.run("info", "--lenient", child.toString());
    Cli.Result create = Cli.run("create", "--lenient", "-t", "differencing", "--parent", basePath.toString(),
        dir.resolve("c2.vhd").toString());

    assertEquals(0, info.code(), info.err());
    assertEquals(1, info.errLines().size(), info.err());
    String line = info.errLines().get(0);
    assertTrue(line.startsWith("vhd: ") && line.contains("base.vhd: warning: header.checksum at offset 548"),
        line);
    assertTrue(!line.startsWith("vhd: " + child), "about the parent, not the child: " + line);
    assertEquals(0, create.code(), create.err());
    assertEquals(1, create.errLines().size(), create.err());
    assertTrue(create.errLines().get(0).contains("base.vhd: warning: header.checksum"), create.err());
  }

  @Test
  void shouldWarnBeforeAWritingCommandRefusesADamagedImage() throws Exception {
    Path p = damaged().writeTo(dir.resolve("bad.vhd"));
    byte[] before = Files.readAllBytes(p);
    TestImage base = damaged();
    base.writeTo(dir.resolve("base.vhd"));
    Path child = TestImage.differencing(base, "base.vhd", 2 * MIB).fill(512, 512, 3).writeTo(dir.resolve("c.vhd"));

    Cli.Result resize = Cli.run("resize", "--lenient", p.toString(), "16M");
    Cli.Result commit = Cli.run("commit", "--lenient", child.toString());

    assertEquals(2, resize.code());
    assertEquals(warning(p), resize.errLines().get(0));
    assertEquals(2, resize.errLines().size(), resize.err());
    assertTrue(resize.errLines().get(1).startsWith("vhd: " + p + ": "), resize.err());
    assertEquals(before.length, Files.size(p));
    assertEquals(2, commit.code());
    assertTrue(commit.errLines().get(0).contains("base.vhd: warning: header.checksum"), commit.err());
  }

  @Test
  void shouldPrintNothingStrictlyOrForCheckWhoseAnswerTheErrorsAre() throws Exception {
    Path p = damaged().writeTo(dir.resolve("bad.vhd"));
    Path good = Images.smallDynamic().writeTo(dir.resolve("good.vhd"));

    Cli.Result strict = Cli.run("info", p.toString());
    Cli.Result check = Cli.run("check", "--lenient", p.toString());
    Cli.Result clean = Cli.run("info", "--lenient", good.toString());

    assertEquals(2, strict.code());
    assertEquals(1, strict.errLines().size(), "only the error: " + strict.err());
    assertEquals(1, check.code());
    assertEquals("", check.err(), "check lists the error on standard output");
    assertTrue(check.out().contains("error: header.checksum"), check.out());
    assertEquals(0, clean.code());
    assertEquals("", clean.err());
  }

  @Test
  void shouldPrintTheImageInUseWarningLenientOrNotAndNothingElse() {
    Problem inUse = new Problem(ProblemCode.IMAGE_IN_USE, Severity.WARNING, "d\n.vhd", "file", "lock", -1, null,
        null, "another process has d.vhd open for writing; its content may change while it is read");
    Problem note = new Problem(ProblemCode.SIZE_SOURCES_DIFFER, Severity.INFO, "d.vhd", "footer", "currentSize",
        40, null, null, "sizes differ");
    Problem error = new Problem(ProblemCode.BAT_ENTRY_OUTSIDE_FILE, Severity.ERROR, "p.vhd", "bat", "entry[3]",
        1548, null, null, "outside");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io = new Io(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), null);

    Warnings.print(io, List.of(inUse, note, error), false);
    Warnings.print(io, List.of(note, error));

    assertEquals(List.of("vhd: d\\n.vhd: warning: file.lock: another process has d.vhd open for writing; its content"
        + " may change while it is read [IMAGE_IN_USE]",
        "vhd: p.vhd: warning: bat.entry[3] at offset 1548 (0x60c): outside [BAT_ENTRY_OUTSIDE_FILE]"),
        err.toString(StandardCharsets.UTF_8).lines().toList());
  }
}
