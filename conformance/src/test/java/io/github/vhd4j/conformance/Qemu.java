package io.github.vhd4j.conformance;

import io.github.vhd4j.cli.testing.JsonTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** qemu-img and qemu-io, driven the way the conformance tests need them. */
final class Qemu {
  private Qemu() {}

  /** One {@code qemu-io} write: {@code length} bytes of {@code pattern} at {@code offset}. */
  record Write(long offset, long length, int pattern) {
    String command() {
      return String.format("write -P 0x%02x %d %d", pattern, offset, length);
    }

    @Override
    public String toString() {
      return String.format("0x%02x@%d+%d", pattern, offset, length);
    }
  }

  /** {@code -o} value for {@code qemu-img create/convert -O vpc}. */
  static String createOptions(boolean fixed, boolean forceSize) {
    return "subformat=" + (fixed ? "fixed" : "dynamic") + (forceSize ? ",force_size=on" : "");
  }

  static void create(Path img, long size, boolean fixed, boolean forceSize) throws IOException {
    Peers.exec(Peers.QEMU_IMG, "create", "-q", "-f", "vpc", "-o", createOptions(fixed, forceSize),
        img.toString(), Long.toString(size));
  }

  static void convertFromRaw(Path raw, Path img, boolean fixed, boolean forceSize) throws IOException {
    Peers.exec(Peers.QEMU_IMG, "convert", "-f", "raw", "-O", "vpc", "-o", createOptions(fixed, forceSize),
        raw.toString(), img.toString());
  }

  /** Applies the writes in one qemu-io process (-f vpc). */
  static void write(Path img, List<Write> writes) throws IOException {
    if (writes.isEmpty()) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of(Peers.QEMU_IO, "-f", "vpc"));
    for (Write w : writes) {
      cmd.add("-c");
      cmd.add(w.command());
    }
    cmd.add(img.toString());
    Peers.exec(cmd.toArray(String[]::new));
  }

  /**
   * The argument that names a vpc image for {@code --image-opts}, with an explicit size rule
   * ({@code chs} or {@code current_size}): Debian's qemu-img 7.2 and QEMU 10 pick differently for
   * some creators, so tests that read foreign creators state the rule instead of inheriting one.
   */
  static String vpcImageOpts(Path img, String sizeCalc) {
    return "driver=vpc,force_size_calc=" + sizeCalc + ",file.driver=file,file.filename="
        + img.toString().replace(",", ",,");
  }

  static Map<String, Object> info(Path img) throws IOException {
    return JsonTree.object(Peers.exec(Peers.QEMU_IMG, "info", "-f", "vpc", "--output=json", img.toString()));
  }

  static Map<String, Object> info(Path img, String sizeCalc) throws IOException {
    return JsonTree.object(Peers.exec(Peers.QEMU_IMG, "info", "--image-opts", "--output=json",
        vpcImageOpts(img, sizeCalc)));
  }

  static long virtualSize(Path img) throws IOException {
    return (Long) info(img).get("virtual-size");
  }

  static List<Map<String, Object>> mapJson(Path img) throws IOException {
    return JsonTree.objects(Peers.exec(Peers.QEMU_IMG, "map", "-f", "vpc", "--output=json", img.toString()));
  }

  static List<Map<String, Object>> mapJson(Path img, String sizeCalc) throws IOException {
    return JsonTree.objects(Peers.exec(Peers.QEMU_IMG, "map", "--image-opts", "--output=json",
        vpcImageOpts(img, sizeCalc)));
  }

  static void toRaw(Path img, Path raw) throws IOException {
    Peers.exec(Peers.QEMU_IMG, "convert", "-f", "vpc", "-O", "raw", img.toString(), raw.toString());
  }

  static void toRaw(Path img, String sizeCalc, Path raw) throws IOException {
    Peers.exec(Peers.QEMU_IMG, "convert", "--image-opts", "-O", "raw", vpcImageOpts(img, sizeCalc),
        raw.toString());
  }

  /**
   * Reads a guest range through qemu: {@code qemu-img convert} of a raw window (offset and size
   * options of the raw driver) stacked on the vpc image. Offset and length are whole sectors.
   */
  static byte[] readRange(Path img, long offset, long length, Path scratch) throws IOException {
    return readRange("vpc", img, offset, length, scratch);
  }

  /**
   * Reads a guest range through one of qemu's format drivers ({@code vpc}, {@code vhdx}) as
   * {@link #readRange(Path, long, long, Path)} does.
   */
  static byte[] readRange(String driver, Path img, long offset, long length, Path scratch) throws IOException {
    String json = "json:{\"driver\":\"raw\",\"offset\":" + offset + ",\"size\":" + length
        + ",\"file\":{\"driver\":\"" + driver + "\",\"file\":{\"driver\":\"file\",\"filename\":\""
        + img.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}}}";
    Files.deleteIfExists(scratch);
    Peers.exec(Peers.QEMU_IMG, "convert", "-O", "raw", json, scratch.toString());
    byte[] b = Files.readAllBytes(scratch);
    Files.delete(scratch);
    if (b.length != length) {
      throw new IOException("qemu-img returned " + b.length + " bytes for a window of " + length);
    }
    return b;
  }

}
