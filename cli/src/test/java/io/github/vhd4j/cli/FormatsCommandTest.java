package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.cli.testing.JsonTree;
import io.github.vhd4j.testing.ForeignImages;
import io.github.vhd4j.testing.QemuImg;
import io.github.vhd4j.testing.TestImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file of a format vhd does not read is named by its signature, by every command that reads an
 * image, instead of being reported as a VHD without a footer; raw data and damaged VHDs are
 * reported as before.
 */
class FormatsCommandTest {
  private static final long MIB = Images.MIB;
  private static final String NOT_READ = "; vhd reads VHD and VHDX images";

  @TempDir
  Path dir;

  /** Each file, and the message every reading command prints for it. */
  private Map<Path, String> foreignFiles() throws Exception {
    Map<Path, String> m = new LinkedHashMap<>();
    m.put(Files.write(dir.resolve("x.qcow2"), ForeignImages.qcow2(MIB)), "a QCOW2 image" + NOT_READ);
    m.put(Files.write(dir.resolve("x.vmdk"), ForeignImages.vmdkSparse(MIB)), "a VMDK image" + NOT_READ);
    m.put(Files.write(dir.resolve("d.vmdk"), ForeignImages.vmdkDescriptor(MIB)), "a VMDK image" + NOT_READ);
    m.put(Files.write(dir.resolve("x.vdi"), ForeignImages.vdi(MIB)), "a VDI image" + NOT_READ);
    m.put(Files.write(dir.resolve("x.iso"), ForeignImages.iso()), "an ISO 9660 image" + NOT_READ);
    return m;
  }

  @Test
  void shouldNameTheFormatInEveryReadingCommand() throws Exception {
    for (Map.Entry<Path, String> e : foreignFiles().entrySet()) {
      String f = e.getKey().toString();
      for (List<String> args : List.of(List.of("info", f), List.of("info", "--json", f), List.of("check", f),
          List.of("check", "--json", "--deep", f), List.of("map", f), List.of("map", "--json", f),
          List.of("cat", f), List.of("info", "-U", f))) {
        Cli.Result r = Cli.run(args.toArray(new String[0]));
        r.assertFailed(e.getKey(), e.getValue());
      }
    }
  }

  @Test
  void shouldSayQcow2() throws Exception {
    Path p = Files.write(dir.resolve("x.qcow2"), ForeignImages.qcow2(MIB));

    Cli.Result r = Cli.run("info", p.toString());

    assertEquals(List.of("vhd: " + p + ": a QCOW2 image; vhd reads VHD and VHDX images"), r.errLines());
    assertEquals(2, r.code());
  }

  @Test
  void shouldRefuseToConvertOrCompareAFormatItDoesNotRead() throws Exception {
    Path vhd = TestImage.fixed(MIB).writeTo(dir.resolve("f.vhd"));
    for (Map.Entry<Path, String> e : foreignFiles().entrySet()) {
      if (e.getKey().toString().endsWith(".iso")) {
        continue;
      }
      String f = e.getKey().toString();
      Path out = dir.resolve("out.raw");
      Cli.run("convert", f, out.toString()).assertFailed(e.getKey(), e.getValue());
      assertFalse(Files.exists(out), f);
      Cli.run("convert", "-f", "vhd", "-O", "dynamic", f, out.toString()).assertFailed(e.getKey(), e.getValue());
      Cli.run("compare", f, vhd.toString()).assertFailed(e.getKey(), e.getValue());
      Cli.run("compare", vhd.toString(), f).assertFailed(e.getKey(), e.getValue());
      Cli.run("compare", "-F", "vhd", vhd.toString(), f).assertFailed(e.getKey(), e.getValue());
    }
  }

  @Test
  void shouldReadAnyFileAsRawWhenTold() throws Exception {
    byte[] qcow = ForeignImages.qcow2(MIB);
    Path p = Files.write(dir.resolve("x.qcow2"), qcow);
    Path copy = Files.write(dir.resolve("copy.img"), qcow);
    Path out = dir.resolve("bytes.raw");

    Cli.Result convert = Cli.run("convert", "-f", "raw", p.toString(), out.toString());
    Cli.Result compare = Cli.run("compare", "-f", "raw", "-F", "raw", p.toString(), copy.toString());

    assertEquals(0, convert.code(), convert.err());
    assertArrayEquals(qcow, Files.readAllBytes(out));
    assertEquals(0, compare.code(), compare.err());
  }

  @Test
  void shouldConvertAndCompareAnIsoAsRawData() throws Exception {
    byte[] iso = ForeignImages.iso();
    Path p = Files.write(dir.resolve("x.iso"), iso);
    Path vhd = dir.resolve("iso.vhd");

    Cli.Result convert = Cli.run("convert", "-O", "fixed", p.toString(), vhd.toString());
    Cli.Result compare = Cli.run("compare", "--json", p.toString(), vhd.toString());
    Cli.Result info = Cli.run("info", vhd.toString());

    assertEquals(0, convert.code(), convert.err());
    assertEquals(0, compare.code(), compare.err());
    Map<String, Object> json = JsonTree.object(compare.out());
    assertEquals("raw", json.get("format-a"));
    assertEquals("vhd", json.get("format-b"));
    // The VHD made of an ISO starts with the ISO's bytes, and is a VHD all the same.
    assertEquals(0, info.code(), info.err());
    assertTrue(info.outLines().contains("file format: vhd"), info.out());
  }

  @Test
  void shouldKeepReportingRawDataAsAVhdWithoutFooter() throws Exception {
    Path raw = Files.write(dir.resolve("zeros.img"), new byte[4096]);

    Cli.Result info = Cli.run("info", raw.toString());

    assertEquals(2, info.code());
    assertTrue(info.err().startsWith("vhd: " + raw + ": footer.cookie at offset 3584 (0xe00): expected \"conectix\""),
        info.err());
  }

  @Test
  void shouldNameTheFormatsOfImagesQemuMade() throws Exception {
    QemuImg.require();
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("qcow2", "a QCOW2 image" + NOT_READ);
    expected.put("vmdk", "a VMDK image" + NOT_READ);
    expected.put("vdi", "a VDI image" + NOT_READ);
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Path p = QemuImg.create(e.getKey(), dir.resolve("q." + e.getKey()), 4 * MIB, null);
      Cli.run("info", p.toString()).assertFailed(p, e.getValue());
      Cli.run("convert", p.toString(), dir.resolve("o.raw").toString()).assertFailed(p, e.getValue());
    }
    Path vpc = QemuImg.create("vpc", dir.resolve("q.vhd"), 4 * MIB, null);
    Cli.Result r = Cli.run("info", vpc.toString());
    assertEquals(0, r.code(), r.err());
  }
}
